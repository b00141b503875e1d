/**
 * Refusing an HTTP request before any hand-off, as the viewers' hand-off and the producers' ingest
 * point both do: a complete short response (`simpleResponse`: the status, the reason as a
 * plain-text body, `Connection: close`), logged, then the connection is closed once it is written.
 * Tests: test/protocols/http/refusal.test.ts.
 */
import { getLogger } from '../../log';
import type { Transport } from '../../reactor/interfaces/transport';
import { simpleResponse, type HttpHeaders } from './response-head';

/** The log line of a refusal: its message and level (its fields are `status`, `reason`, `peer`). */
export interface RefusalLog {
  readonly message: string;
  readonly level: 'debug' | 'info';
}

/** Writes the refusal and closes the connection; does nothing if it is already gone. */
export function refuseHttpRequest(transport: Transport | null, status: number, reason: string, headers: HttpHeaders, log: RefusalLog): void {
  if (transport === null || !transport.connected) return;
  getLogger()[log.level](log.message, { status, reason, peer: transport.getPeer() });
  transport.write(simpleResponse(status, `${reason}\n`, headers));
  transport.loseConnection();
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../../src/log';
import { AuthDeadlineExceeded, ProtocolUsageError } from '../../../src/protocols/errors';
import { AuthDeadline } from '../../../src/protocols/auth/deadline';
import { Clock } from '../../../src/testing/clock';
import { StringTransport } from '../../../src/testing/string-transport';

let logs: LogCapture;
beforeEach(() => { logs = captureLogs(); });
afterEach(() => logs.restore());

describe('AuthDeadline', () => {
  it('aborts a connection that has not authenticated in time, and says why', () => {
    const clock = new Clock();
    const transport = new StringTransport();
    const errors: AuthDeadlineExceeded[] = [];
    const deadline = new AuthDeadline((e) => errors.push(e)).start(transport, 10, clock);
    expect(deadline.active).toBe(true);
    clock.advance(9.999);
    expect(transport.aborted).toBe(false);
    clock.advance(0.001);
    expect(transport.aborted).toBe(true);
    expect(deadline.expired).toBe(true);
    expect(deadline.active).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('TORSION_ERR_AUTH_DEADLINE');
    expect(logs.records.some((r) => r.fields['error'] instanceof AuthDeadlineExceeded)).toBe(true);
    expect(deadline.authenticated()).toBe(false); // too late
    expect(() => deadline.start(transport, 1, clock)).toThrow(ProtocolUsageError);
  });

  it('is disarmed by authenticated() and by cancel()', () => {
    const clock = new Clock();
    const t1 = new StringTransport();
    const d1 = new AuthDeadline().start(t1, 5, clock);
    clock.advance(4);
    expect(d1.authenticated()).toBe(true);
    const t2 = new StringTransport();
    const d2 = new AuthDeadline().start(t2, 5, clock);
    d2.cancel();
    clock.advance(100);
    expect(t1.aborted || t2.aborted).toBe(false);
    expect(clock.getDelayedCalls()).toHaveLength(0);
    expect(d1.expired || d2.expired).toBe(false);
  });
});

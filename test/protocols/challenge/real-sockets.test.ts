/**
 * The feed handshake once over real TCP sockets on the NodeReactor (the rest of the suite runs on
 * the in-memory pair). Waits on Deferreds with a reactor-scheduled timeout; never sleeps.
 */
import { describe, expect, it } from 'vitest';
import type { Deferred } from '../../../src/defer/deferred';
import { captureLogs } from '../../../src/log';
import { NodeReactor } from '../../../src/reactor/impl/node-reactor';
import type { TCPAddress } from '../../../src/reactor/interfaces/address';
import { AuthWrongCredentials } from '../../../src/protocols/errors';
import { ClientFactory, Factory } from '../../../src/protocols/factory';
import {
  ChallengeClientProtocol, ChallengeServerProtocol, type HandshakeResult,
} from '../../../src/protocols/challenge/challenge-protocol';
import { NonceCache } from '../../../src/protocols/challenge/nonce-cache';

const SECRET = 'feed secret shared by the cluster';

/** Runs `body` on a running NodeReactor; fails after `timeout` reactor seconds. */
async function onReactor(body: (reactor: NodeReactor) => PromiseLike<unknown>, timeout = 10): Promise<void> {
  const reactor = new NodeReactor();
  let error: unknown = null;
  const timer = reactor.callLater(timeout, () => {
    error = new Error(`timed out after ${timeout} s`);
    reactor.crash();
  });
  reactor.callWhenRunning(() => {
    void (async () => {
      try {
        await body(reactor);
      } catch (e) {
        error ??= e;
      }
      if (timer.active()) timer.cancel();
      if (reactor.running) reactor.stop();
    })();
  });
  await reactor.run({ installSignalHandlers: false });
  if (error !== null) throw error;
}

class Feeder extends ChallengeServerProtocol {
  override handshakeSucceeded(): void {
    this.transport?.write('payload after the handshake');
  }
}

async function handshake(reactor: NodeReactor, clientSecret: string): Promise<Array<HandshakeResult | Error>> {
  const nonces = new NonceCache({ clock: reactor });
  const servers: Feeder[] = [];
  const serverFactory = Factory.forProtocol(() => {
    const p = new Feeder({ secret: SECRET, time: reactor, deadline: 5, nonces });
    servers.push(p);
    return p;
  });
  const port = await reactor.listenTCP(0, serverFactory, { interface: '127.0.0.1' });
  const client = new ChallengeClientProtocol({ identity: 'eater', secret: clientSecret, time: reactor });
  const clientFactory = ClientFactory.forProtocol(() => client);
  const { port: portNumber } = port.getHost() as TCPAddress;
  reactor.connectTCP('127.0.0.1', portNumber, clientFactory);
  const settle = (d: Deferred<HandshakeResult>): Deferred<HandshakeResult | Error> =>
    d.addErrback((f) => f.value);
  // The server protocol exists once the connection is accepted: wait for the client's outcome first.
  const clientOutcome = await settle(client.notifyHandshake());
  const server = servers[0];
  expect(server).toBeDefined();
  const serverOutcome = await settle((server as Feeder).notifyHandshake());
  if (client.handshakeDone) {
    // The payload may arrive with the ACCEPT or in a later read: poll on the reactor.
    const payload = 'payload after the handshake';
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (client.leftoverLength >= payload.length) resolve();
        else reactor.callLater(0.005, check);
      };
      check();
    });
    expect(client.takeLeftover().toString()).toBe(payload);
  }
  client.transport?.loseConnection();
  await port.stopListening();
  return [clientOutcome, serverOutcome];
}

describe('feed handshake over real TCP (NodeReactor)', () => {
  it('authenticates both sides and delivers what follows the handshake', async () => {
    await onReactor(async (reactor) => {
      const [client, server] = await handshake(reactor, SECRET);
      expect((client as HandshakeResult).identity).toBe('eater');
      expect((server as HandshakeResult).identity).toBe('eater');
      expect((server as HandshakeResult).peer).toMatchObject({ type: 'TCP', host: '127.0.0.1' });
    });
  });

  it('refuses a wrong secret on both sides', async () => {
    const logs = captureLogs();
    try {
      await onReactor(async (reactor) => {
        const [client, server] = await handshake(reactor, 'a wrong but long secret');
        expect(client).toBeInstanceOf(AuthWrongCredentials);
        expect(server).toBeInstanceOf(AuthWrongCredentials);
      });
    } finally {
      logs.restore();
    }
  });
});

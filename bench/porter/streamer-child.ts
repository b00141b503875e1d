/**
 * The streamer side of bench/porter/main.ts: receives passed sockets (argv[2] = 'node' for Node
 * IPC handles, 'gio' for `Gio.UnixConnection.receiveFd` on the unix socket argv[3]) and answers one
 * byte on each. Test: none (a benchmark fixture).
 */
import { connect, Socket } from 'node:net';
import { GLibReactor } from '../../src/reactor/impl/glib-reactor';
import { guardCallback } from '../../src/reactor/impl/glib-glue';
import { loadGi } from '../../src/reactor/gi';
import { dupFd } from '../../src/reactor/transports/dup-fd';

function answer(fd: number): void {
  const s = new Socket({ fd, readable: true, writable: true });
  s.on('error', () => undefined);
  s.end('x');
}

if (process.argv[2] === 'node') {
  process.on('message', (_m: unknown, socket: Socket | undefined) => {
    if (socket === undefined) return;
    socket.on('error', () => undefined);
    socket.end('x');
  });
  process.send?.('ready');
} else {
  const reactor = new GLibReactor();
  const { Gio, GLib } = loadGi() as unknown as { Gio: any; GLib: any };
  void reactor.run();
  reactor.callWhenRunning(() => {
    // First connection: fds (Gio, non-blocking, drained from a GLib fd watch); second: frames.
    const fdLink = connect(process.argv[3] as string, () => {
      const fd = dupFd((fdLink as unknown as { _handle: { fd: number } })._handle.fd);
      fdLink.destroy();
      const gsock = Gio.Socket.newFromFd(fd);
      gsock.setBlocking(false);
      const conn = gsock.connectionFactoryCreateConnection();
      const frames: Buffer[] = [];
      const fds: number[] = [];
      const pair = (): void => {
        while (frames.length > 0 && fds.length > 0) {
          frames.shift();
          answer(fds.shift() as number);
        }
      };
      let pending = Buffer.alloc(0);
      const frameLink = connect(process.argv[3] as string);
      frameLink.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
          const n = pending.readUInt32BE(0);
          frames.push(pending.subarray(4, 4 + n));
          pending = pending.subarray(4 + n);
        }
        pair();
      });
      const drain = (): boolean => {
        for (;;) {
          let passed: number;
          try {
            passed = conn.receiveFd(null) as number;
          } catch (error) {
            if (/would block|temporarily unavailable/i.test(String(error))) { pair(); return true; }
            throw error;
          }
          if (passed < 0) return false;
          fds.push(passed);
        }
      };
      GLib.unixFdAddFull(GLib.PRIORITY_DEFAULT, fd, GLib.IOCondition.IN, guardCallback(() => drain(), 'bench receive', false));
    });
  });
}

/**
 * Test helpers for feeds: `GdpProbe`, what reaches the downstream part of an eater's pipeline.
 * The eater's pipeline ends in `gdppay ! fdsink fd=<probe.fd>`; gdppay serialises every caps,
 * event and buffer that came out of the eater's gdpdepay (through the decoding elements between),
 * and the probe decodes them in Node with the pure GdpDecoder. So a test sees exactly what a
 * downstream element saw: how many stream-starts, caps, segments, EOS, header buffers, and the
 * media buffers with their timestamps. Waiting is on events, bounded by the caller's timeout.
 */
import type { Socket } from 'node:net';
import { Deferred } from '../../../../src/defer/deferred';
import { GdpDecoder } from '../../../../src/gdp/decoder';
import { GstEventType } from '../../../../src/gdp/event-types';
import { GST_BUFFER_FLAG_HEADER, type GdpBufferPacket, type GdpPacket } from '../../../../src/gdp/packet';
import { closeFd, stealSocketFd } from '../../../../src/gst/fd-util';
import { socketPair } from '../../../../src/gst/socket-pair';

export class GdpProbe {
  readonly packets: GdpPacket[] = [];
  private readonly decoder = new GdpDecoder();
  private waiters: Array<{ n: number; d: Deferred<void> }> = [];
  error: unknown = null;

  static async make(): Promise<GdpProbe> {
    const [ours, theirs] = await socketPair().asPromise();
    return new GdpProbe(ours, stealSocketFd(theirs));
  }

  private constructor(private readonly socket: Socket, readonly fd: number) {
    socket.on('data', (chunk: Buffer) => {
      try {
        this.packets.push(...this.decoder.push(chunk));
      } catch (error) {
        this.error = error;
      }
      const n = this.media().length;
      this.waiters = this.waiters.filter((w) => {
        if (n < w.n) return true;
        w.d.callback(undefined);
        return false;
      });
    });
    socket.on('error', () => undefined);
    socket.resume();
  }

  /** The launch-line tail that feeds this probe. */
  get sink(): string {
    return `gdppay ! fdsink fd=${this.fd} sync=false async=false`;
  }

  /** Media (non-header) buffers seen so far. */
  media(): GdpBufferPacket[] {
    return this.packets.filter((p): p is GdpBufferPacket => p.kind === 'buffer' && (p.flags & GST_BUFFER_FLAG_HEADER) === 0);
  }

  /** How many events of a type were seen. */
  events(type: number): number {
    return this.packets.filter((p) => p.kind === 'event' && p.eventType === type).length;
  }

  /** How many caps packets were seen (gdppay writes one per caps change). */
  caps(): number {
    return this.packets.filter((p) => p.kind === 'caps').length;
  }

  get streamStarts(): number {
    return this.events(GstEventType.STREAM_START);
  }

  get eosCount(): number {
    return this.events(GstEventType.EOS);
  }

  /** Fires once `n` media buffers arrived in total. */
  buffers(n: number): Deferred<void> {
    const d = new Deferred<void>();
    if (this.media().length >= n) d.callback(undefined);
    else this.waiters.push({ n, d });
    return d;
  }

  /** Close both ends (after the pipeline writing to `fd` was disposed: fdsink never closes it). */
  close(): void {
    closeFd(this.fd);
    this.socket.destroy();
  }
}

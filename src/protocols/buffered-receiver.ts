/**
 * The part every framing receiver shares: bytes are queued without copying, delivered by the
 * subclass's `deliver()` loop (never re-entrantly: data fed from inside a callback is picked up by
 * the running loop), and delivery stops while the protocol is paused as a push producer.
 * Tests: through test/protocols/line-receiver.test.ts and test/protocols/int-string-receiver.test.ts.
 */
import type { PushProducer } from '../reactor/interfaces/transport';
import { ByteQueue } from './byte-queue';
import { Protocol, requireTransport } from './protocol';

export abstract class BufferedReceiver extends Protocol implements PushProducer {
  /** True while paused as a producer: nothing is delivered. */
  paused = false;
  protected readonly buffer = new ByteQueue();
  private busy = false;

  override dataReceived(data: Uint8Array): void {
    this.buffer.push(data);
    if (this.busy) return; // a callback fed us: the running loop will see it
    this.busy = true;
    try {
      this.deliver();
    } finally {
      this.busy = false;
    }
  }

  /** Stops delivering and pauses the transport. */
  pauseProducing(): void {
    this.paused = true;
    requireTransport(this).pauseProducing();
  }

  /** Resumes the transport and delivers what was buffered meanwhile. */
  resumeProducing(): void {
    this.paused = false;
    requireTransport(this).resumeProducing();
    this.dataReceived(new Uint8Array(0));
  }

  /** Stops delivering for good and stops the transport. */
  stopProducing(): void {
    this.paused = true;
    requireTransport(this).stopProducing();
  }

  /** Delivers as many frames as the buffer holds, while not paused. */
  protected abstract deliver(): void;
}

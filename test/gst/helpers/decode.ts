/**
 * Decode what a viewer received with real GStreamer demuxers and decoders in a child
 * `gst-launch-1.0` (stdin → fdsrc fd=0), counting decoded video frames from fakesink's
 * `-v` output. The child runs under a timeout.
 */
import { spawn } from 'node:child_process';

const PIPELINES = {
  webm: 'fdsrc fd=0 ! matroskademux ! vp8dec ! fakesink name=v silent=false sync=false',
  ogg: 'fdsrc fd=0 ! oggdemux name=d d. ! queue ! theoradec ! fakesink name=v silent=false sync=false d. ! queue ! vorbisdec ! fakesink sync=false',
} as const;

/** Result of decoding a capture. */
export interface Decoded { frames: number; ok: boolean; output: string }

/** Count the video frames GStreamer decodes from `data`. */
export function decodeFrames(data: Uint8Array, container: keyof typeof PIPELINES, timeoutMs = 20_000): Promise<Decoded> {
  return new Promise((resolve, reject) => {
    const child = spawn('gst-launch-1.0', ['-v', ...PIPELINES[container].split(' ')], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const frames = output.split('\n').filter((l) => l.includes('GstFakeSink:v: last-message = chain')).length;
      resolve({ frames, ok: code === 0 && !/ERROR/.test(output), output });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(Buffer.from(data));
  });
}

/** EBML magic (WebM/Matroska) and Ogg capture pattern. */
export const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
export const OGG_MAGIC = Buffer.from('OggS');

/**
 * The demo's media graph: one live test source (video + audio), encoded once per mount —
 * VP8 + Vorbis in WebM for `/live.webm`, Theora + Vorbis in Ogg for `/live.ogg` — each ending in a
 * multifdsink that Torsion's FdSink drives. Short keyframe distances let late joiners start fast
 * (PITFALLS 14).
 */
export interface TestSourceOptions {
  readonly width: number;
  readonly height: number;
  readonly framerate: number;
  /** Video bitrate of the VP8 encoding, in bits per second. */
  readonly videoBitrate: number;
}

export const defaultTestSource: TestSourceOptions = { width: 320, height: 240, framerate: 15, videoBitrate: 400_000 };

/** A gst-launch description with sinks named `webm` and `ogg`. */
export function testSourceLaunch(o: TestSourceOptions = defaultTestSource): string {
  const keyframes = o.framerate; // one keyframe a second
  return [
    `videotestsrc is-live=true pattern=ball motion=sweep background-color=0xff203040`,
    `! video/x-raw,width=${o.width},height=${o.height},framerate=${o.framerate}/1 ! tee name=v`,
    `audiotestsrc is-live=true wave=ticks freq=660 volume=0.3 ! audio/x-raw,rate=44100,channels=2 ! tee name=a`,
    `v. ! queue max-size-buffers=30 leaky=downstream ! videoconvert`,
    `! vp8enc deadline=1 cpu-used=8 keyframe-max-dist=${keyframes} target-bitrate=${o.videoBitrate} ! queue`,
    `! webmmux name=wm streamable=true ! multifdsink name=webm`,
    `a. ! queue ! audioconvert ! vorbisenc quality=0.2 ! queue ! wm.`,
    `v. ! queue max-size-buffers=30 leaky=downstream ! videoconvert ! theoraenc keyframe-freq=${keyframes} ! queue`,
    `! oggmux name=om ! multifdsink name=ogg`,
    `a. ! queue ! audioconvert ! vorbisenc quality=0.2 ! queue ! om.`,
  ].join(' ');
}

import { describe, expect, it } from 'vitest';
import { HttpStreamer, LaunchLineError, Muxer, flowLaunchLine, parseLaunchLine } from '../../src/components/index';

const parse = (line: string): ReturnType<typeof parseLaunchLine> => parseLaunchLine(line.split(' '));
const wiring = (line: string): string[] => parse(line).map((c) => `${c.name}(${c.kind})<${c.eaters.join(',')}`);

describe('parseLaunchLine', () => {
  it('builds a chain, each component eating the previous one, an encoder taking its own medium from a source', () => {
    expect(wiring('test-source width=160 height=120 ! vp8-encoder ! webm-muxer ! http-streamer')).toEqual([
      'test(test-source)<', 'vp8(vp8-encoder)<test:video', 'webm(webm-muxer)<vp8', 'http(http-streamer)<webm']);
    const streamer = parse('test-source ! vp8-encoder ! webm-muxer ! http-streamer')[3] as HttpStreamer;
    expect([streamer.path, streamer.contentType]).toEqual(['/http.webm', 'video/webm']);
    expect(flowLaunchLine(parse('test-source width=160 height=120 ! vp8-encoder ! webm-muxer ! http-streamer'))).toContain('width=160,height=120');
  });

  it('joins chains through names and feed references, in either direction', () => {
    const line = 'test-source name=src ! theora-encoder bitrate=300000 ! ogg-muxer name=mux ! http-streamer path=/tv.ogg max-viewers=3 '
      + 'src.audio ! vorbis-encoder ! mux.  mux. ! disk-recorder file=/tmp/tv.ogg';
    expect(wiring(line)).toEqual(['src(test-source)<', 'theora(theora-encoder)<src:video', 'mux(ogg-muxer)<theora,vorbis',
      'http(http-streamer)<mux', 'vorbis(vorbis-encoder)<src:audio', 'disk(disk-recorder)<mux']);
    const components = parse(line);
    expect((components[3] as HttpStreamer).maxViewers).toBe(3);
    expect((components[2] as Muxer).contentType).toBe('video/ogg');
    // `!` may touch its neighbours, as in gst-launch.
    expect(wiring('test-source!opus-encoder!ogg-muxer!http-streamer path=/radio.ogg')).toEqual([
      'test(test-source)<', 'opus(opus-encoder)<test:audio', 'ogg(ogg-muxer)<opus', 'http(http-streamer)<ogg']);
    expect((parse('test-source ! opus-encoder ! ogg-muxer ! http-streamer')[2] as Muxer).contentType).toBe('audio/ogg');
    expect(wiring('test-source ! vp8-encoder ! webm-muxer ! http-streamer test-source ! vp8-encoder ! webm-muxer ! http-streamer path=/b.webm')
      .map((w) => w.split('(')[0])).toEqual(['test', 'vp8', 'webm', 'http', 'test-1', 'vp8-1', 'webm-1', 'http-1']);
  });

  it('says what is wrong with a bad line', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['camera ! vp8-encoder', /unknown component 'camera'/],
      ['test-source colour=red', /test-source has no property 'colour'/],
      ['width=3 test-source', /does not follow a component/],
      ['test-source ! ! vp8-encoder', /'!' must come between/],
      ['test-source ! vp8-encoder !', /ends with '!'/],
      ['test-source ! webm-muxer', /put an encoder between/],
      ['test-source ! vp8-encoder bitrate=fast', /bitrate must be a positive integer/],
      ['test-source video=maybe', /video must be true or false/],
      ['test-source ! vp8-encoder ! webm-muxer ! http-streamer path=stats', /bad path/],
      ['test-source ! vp8-encoder ! webm-muxer ! http-streamer slow-viewers=ignore', /slow-viewers must be/],
      ['test-source ! vp8-encoder ! webm-muxer ! disk-recorder', /needs file=/],
      ['test-source ! vp8-encoder ! webm-muxer ! http-streamer ! disk-recorder file=x', /produces no feed/],
      ['test-source ! vp8-encoder ! nowhere.', /no component named 'nowhere'/],
      ['nowhere. ! vp8-encoder', /no component named 'nowhere'/],
      ['test-source name=a test-source name=a', /two components are named 'a'/],
      ['vp8-encoder', /eats exactly one feed, got 0/],
      ['test-source ! vp8-encoder ! test.', /eats nothing/],
    ];
    for (const [line, message] of cases) {
      expect(() => parse(line), line).toThrow(LaunchLineError);
      expect(() => parse(line), line).toThrow(message);
    }
  });
});

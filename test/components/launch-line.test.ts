import { describe, expect, it } from 'vitest';
import { FeedEater, HttpStreamer, LaunchLineError, Muxer, flowLaunchLine, parseLaunchLine } from '../../src/components/index';

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

  it('eats a GDP feed of another server: relayed as it comes, or decoded for encoders', () => {
    const feedSecret = 'launch-feed-secret-0123456789';
    const withSecret = (line: string): ReturnType<typeof parseLaunchLine> => parseLaunchLine(line.split(' '), { feedSecret });
    const relay = withSecret('feed-eater host=10.0.0.1 port=9902 feed=/live.webm identity=edge-7 ! http-streamer');
    expect(relay.map((c) => `${c.name}(${c.kind})<${c.eaters.join(',')}`)).toEqual(['feed-eater(feed-eater)<', 'http(http-streamer)<feed-eater']);
    const eater = relay[0] as FeedEater;
    expect([eater.feed, eater.feeders]).toEqual(['/live.webm', ['default']]);
    expect(eater.stats()).toMatchObject({ upstream: '10.0.0.1:9902', feed: '/live.webm' });
    expect([(relay[1] as HttpStreamer).path, (relay[1] as HttpStreamer).contentType]).toEqual(['/http.webm', 'video/webm']);
    expect((withSecret('feed-eater feed=/radio.oga ! http-streamer path=/r.oga')[1] as HttpStreamer).contentType).toBe('audio/ogg');
    // A recorder takes the relayed stream too; decode=true gives raw feeds that encoders eat.
    expect(withSecret('feed-eater ! disk-recorder file=/tmp/x.webm').map((c) => c.eaters.join(','))).toEqual(['', 'feed-eater']);
    const decoded = withSecret('feed-eater name=up decode=true width=160 height=120 framerate=10 ! vp8-encoder ! webm-muxer name=m ! http-streamer '
      + 'up.audio ! vorbis-encoder ! m.');
    expect(decoded.map((c) => c.eaters.join(','))).toEqual(['', 'up:video', 'vp8,vorbis', 'm', 'up:audio']);
    expect((decoded[0] as FeedEater).feeders).toEqual(['video', 'audio']);
    expect(flowLaunchLine(decoded)).toContain('width=160,height=120,framerate=10/1');

    const cases: Array<[string, RegExp]> = [
      ['feed-eater ! vp8-encoder', /vp8 encodes raw video, but feed-eater \(feed-eater\) gives an encoded stream: add decode=true/],
      ['test-source ! vp8-encoder ! vp8-encoder', /encodes raw video, but vp8 \(vp8-encoder\) gives an encoded stream$/],
      ['feed-eater decode=true ! webm-muxer', /put an encoder between/],
      ['feed-eater width=160 ! http-streamer', /width is for decode=true/],
      ['feed-eater feed=live.webm ! http-streamer', /bad feed/],
      ['feed-eater identity=a@b ! http-streamer', /identity must be/],
      ['feed-eater port=70000 ! http-streamer', /port must be at most 65535/],
    ];
    for (const [line, message] of cases) expect(() => withSecret(line), line).toThrow(message);
    expect(() => parse('feed-eater ! http-streamer')).toThrow(/needs TORSION_FEED_SECRET/);
    expect(() => parseLaunchLine(['feed-eater', '!', 'http-streamer'], { feedSecret: 'short' })).toThrow(/at least 16 bytes/);
  });
});

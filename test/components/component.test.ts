import { describe, expect, it } from 'vitest';
import { ComponentError, Muxer, TestSource, type Mood } from '../../src/components/index';
import { captureLogs } from '../../src/log';

describe('Component', () => {
  it('starts waking, publishes every mood change once, and logs it (sad as a warning)', () => {
    const c = new TestSource('camera');
    const seen: Mood[] = [];
    const logs = captureLogs();
    try {
      const sub = c.mood$.subscribe((m) => seen.push(m));
      expect(c.mood).toBe('waking');
      c.setMood('hungry', 'no data yet');
      c.setMood('hungry');
      c.setMood('happy');
      c.setMood('sad', 'boom');
      expect(c.moodDetail).toBe('boom');
      c.setMood('sad', 'boom again'); // the same mood: only the reason changes, silently
      c.setMood('sad');
      sub.unsubscribe();
      expect(seen).toEqual(['waking', 'hungry', 'happy', 'sad']);
      expect(c.stats()).toEqual({ name: 'camera', kind: 'test-source', mood: 'sad', moodDetail: 'boom again' });
      expect(logs.records.map((r) => [r.level, r.fields['from'], r.fields['to']])).toEqual([
        ['info', 'waking', 'hungry'], ['info', 'hungry', 'happy'], ['warn', 'happy', 'sad']]);
      expect(logs.records[0]?.fields).toMatchObject({ component: 'camera', reason: 'no data yet' });
    } finally {
      logs.restore();
    }
    let completed = false;
    c.mood$.subscribe({ complete: () => { completed = true; } });
    c.dispose();
    expect(completed).toBe(true);
  });

  it('start() turns a plain component happy', async () => {
    const c = new Muxer('mux', 'webm', ['a', 'b']);
    await c.start();
    expect(c.mood).toBe('happy');
    expect(c.contentType).toBe('video/webm');
    expect(new Muxer('m', 'ogg', ['a'], { audioOnly: true }).contentType).toBe('audio/ogg');
  });

  it('refuses names that cannot name GStreamer elements in a launch line', () => {
    for (const bad of ['', 'Camera', '1cam', 'a b', 'a.b', 'a:b', 'x'.repeat(64)]) {
      expect(() => new TestSource(bad), bad).toThrow(ComponentError);
    }
    expect(new TestSource('cam-2').ownsElement('cam-2-videosrc')).toBe(true);
    expect(new TestSource('cam').ownsElement('cam-2-videosrc')).toBe(true);
    expect(new TestSource('cam').ownsElement('camera')).toBe(false);
  });
});

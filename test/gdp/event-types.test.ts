import { describe, expect, it } from 'vitest';
import { GstEventType, gstEventTypeName, isStickyEventType, isStickyMultiEventType } from '../../src/gdp/event-types';
import { validVectors } from './vectors';

describe('event types', () => {
  it('names every event type the vectors carry as the sidecars do', () => {
    let n = 0;
    for (const v of validVectors()) {
      for (const p of v.json.packets.filter((x) => x.kind === 'event')) {
        const name = gstEventTypeName(p.event_type ?? -1);
        if (p.event_name?.startsWith('unknown')) expect(name).toBe('custom-downstream(wrapped)');
        else expect(name).toBe(p.event_name);
        n++;
      }
    }
    expect(n).toBeGreaterThan(30);
  });

  it('knows the table of SPEC.md section 6, including the wrapped custom types', () => {
    expect(GstEventType.CUSTOM_DOWNSTREAM - 65536).toBe(6150);
    expect(gstEventTypeName(11294)).toBe('custom-downstream-sticky(wrapped)');
    expect(gstEventTypeName(12345)).toBe('unknown(12345)');
    expect(gstEventTypeName(2563)).toBe('flush-start');
  });

  it('classifies sticky and sticky-multi types (unchanged by the 16-bit wrap)', () => {
    for (const t of [GstEventType.STREAM_START, GstEventType.CAPS, GstEventType.SEGMENT, GstEventType.TAG, GstEventType.EOS]) expect(isStickyEventType(t)).toBe(true);
    for (const t of [GstEventType.GAP, GstEventType.FLUSH_STOP, GstEventType.SEGMENT_DONE, 6150]) expect(isStickyEventType(t)).toBe(false);
    expect(isStickyEventType(GstEventType.CUSTOM_DOWNSTREAM_STICKY - 65536)).toBe(true);
    expect(isStickyMultiEventType(GstEventType.TAG)).toBe(true);
    expect(isStickyMultiEventType(GstEventType.SEGMENT)).toBe(false);
  });
});

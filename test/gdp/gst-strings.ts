/** Loads test/gdp/fixtures/gst-1.22-strings.json (what GStreamer 1.22 itself parsed and printed). */
import { readFileSync } from 'node:fs';

export interface GstStringCase {
  kind: 'caps' | 'structure';
  input: string;
  /** GStreamer's print of the parsed input, or null when GStreamer refused the input. */
  gst: string | null;
}

export const gstStringCases: GstStringCase[] = (JSON.parse(
  readFileSync(new URL('./fixtures/gst-1.22-strings.json', import.meta.url), 'utf8'),
) as { cases: GstStringCase[] }).cases;

/**
 * Redirect-on-overflow (Flumotion's `redirect-on-overflow`): the origin a streamer sends viewers
 * it has no room for. Pure, so the config parser checks a value exactly as the streamer will use
 * it. Tests: test/components/config.test.ts, test/components/http-streamer.test.ts.
 */
import { ComponentError } from './errors';

/** The origin of an overflow redirect (`http(s)://host[:port]`), or a ComponentError naming `name`. */
export function overflowOrigin(name: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ComponentError(`${name}: overflowRedirect '${url}' is not a URL`);
  }
  if (!['http:', 'https:'].includes(parsed.protocol) || parsed.username !== '' || parsed.password !== ''
    || (parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search !== '' || parsed.hash !== '') {
    throw new ComponentError(`${name}: overflowRedirect must be an http(s) origin like http://edge-2:8800, got '${url}'`);
  }
  return parsed.origin;
}

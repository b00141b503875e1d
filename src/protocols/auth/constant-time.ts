/**
 * Constant-time comparison of secrets' digests (`crypto.timingSafeEqual`). Callers compare
 * fixed-length digests (HMAC-SHA256, scrypt outputs), so a length mismatch can only come from
 * malformed input; it still costs one comparison, and answers false. Tests:
 * test/protocols/auth/constant-time.test.ts.
 */
import { timingSafeEqual } from 'node:crypto';

/** True when `a` and `b` hold the same bytes; the time taken does not depend on where they differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * Unhandled-error reporting and debug mode for Deferreds.
 *
 * While a Deferred's result is a Failure it holds a small {@link FailureToken}; the token is
 * registered with a `FinalizationRegistry` and dropped (unregistered) as soon as a callback handles
 * the failure. If the Deferred is garbage-collected still holding it, the failure is reported as
 * "Unhandled error in Deferred:" through the replaceable logger (`../log`). As in Twisted, this can
 * only happen at collection time, and the engine may delay or skip finalisers; debug mode
 * (`setDebugging(true)`) adds the creation and first-invocation stacks to the report and to
 * `AlreadyCalledError`. Tests: test/defer/unhandled.test.ts.
 */
import { getLogger } from '../log';
import type { Failure } from './failure';

/** Stacks recorded in debug mode. */
export interface DebugInfo {
  /** Where the Deferred was created. */
  creator: string | undefined;
  /** Where it was first fired. */
  invoker: string | undefined;
}

/** @internal What the registry keeps for a failing Deferred (must not reference the Deferred). */
export interface Held {
  failure: Failure;
  debug: DebugInfo | null;
}

/** @internal Held by a Deferred while its result is an unhandled Failure. */
export class FailureToken {
  constructor(readonly held: Held) {}
}

const registry = new FinalizationRegistry<Held>(reportUnhandled);

/** @internal Start (or update) tracking `failure` for a Deferred; returns the token to keep. */
export function trackFailure(token: FailureToken | null, failure: Failure, debug: DebugInfo | null): FailureToken {
  if (token !== null && token.held.failure === failure) return token;
  cleanFailure(failure);
  if (token !== null) {
    token.held.failure = failure;
    token.held.debug = debug;
    return token;
  }
  const held: Held = { failure, debug };
  const fresh = new FailureToken(held);
  registry.register(fresh, held, fresh);
  return fresh;
}

/**
 * Twisted's `cleanFailure`: V8 keeps an error's stack as raw frames (functions and their `this`,
 * e.g. the Deferred running the callback) until `stack` is first read. The registry holds the
 * failure strongly, so those frames would keep the Deferred alive and the report would never come;
 * reading `stack` once turns it into a string and drops them.
 */
function cleanFailure(failure: Failure): void {
  try {
    void failure.value.stack;
  } catch {
    // A throwing `stack` getter (user-defined) leaves nothing to clean.
  }
}

/** @internal The failure was handled: forget it. */
export function untrackFailure(token: FailureToken): void {
  registry.unregister(token);
}

/** @internal Log an unhandled failure (called by the registry, exported for tests). */
export function reportUnhandled(held: Held): void {
  const debug = held.debug === null ? '' : formatDebugInfo(held.debug);
  getLogger().error('Unhandled error in Deferred:', debug === '' ? { failure: held.failure } : { failure: held.failure, debug });
}

/** Log `failure` as an error and return it, so it can be used as an errback (Twisted's `log.err`-style `logError`). */
export function logError(failure: Failure): Failure {
  getLogger().error('Unhandled error', { failure });
  return failure;
}

let debugging = false;

/** Turn debug mode on or off for Deferreds created/fired from now on (Twisted's `setDebugging`). */
export function setDebugging(on: boolean): void {
  debugging = on;
}

/** Whether debug mode is on. */
export function getDebugging(): boolean {
  return debugging;
}

/** @internal The current stack, without this helper's frame and the `skip` frames above it. */
export function captureStack(skip = 0): string {
  const stack = new Error('stack').stack ?? '';
  return stack.split('\n').slice(2 + skip).join('\n');
}

/** Twisted's `_getDebugTracebacks` layout: " C: Deferred was created:" / " I: First Invoker was:". */
export function formatDebugInfo(info: DebugInfo): string {
  let out = '';
  if (info.creator !== undefined) out += ` C: Deferred was created:\n C:${info.creator.replace(/\n/g, '\n C:')}\n`;
  if (info.invoker !== undefined) out += ` I: First Invoker was:\n I:${info.invoker.replace(/\n/g, '\n I:')}\n`;
  return out;
}

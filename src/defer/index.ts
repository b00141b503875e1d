/**
 * `torsion/defer`: Deferreds with Twisted's semantics, Failures, the helpers built on them
 * (`DeferredList`, `gatherResults`, locks, queues, timeouts) and the Promise bridges. Pure
 * TypeScript: imports nothing but `../errors` and `../log`. Tests: test/defer/index.test.ts.
 */
export { Deferred, succeed, fail, type Canceller, type Chainable, type AddCallbacksOptions } from './deferred';
export { Failure, NonErrorReason, type ErrorClass } from './failure';
export {
  AlreadyCalledError, CancelledError, TimeoutError, FirstError, FailureGroup, QueueOverflow, QueueUnderflow,
  CircularChainError, NotACoroutineError, DeferredArgumentError,
} from './errors';
export { cancelledToTimedOut, type OnTimeoutCancel } from './timeout';
export { setDebugging, getDebugging, logError, type DebugInfo } from './unhandled';
export type { ReactorTime, DelayedCall } from './time';
export { maybeDeferred, ensureDeferred } from './maybe-deferred';
export { inlineCallbacks, fromCoroutine, type DeferredGenerator } from './inline-callbacks';
export { isThenable, isGenerator } from './guards';
export {
  DeferredList, gatherResults, type DeferredListOptions, type DeferredListEntry, type GatherResultsOptions,
} from './deferred-list';
export { race } from './race';
export { DeferredLock, DeferredSemaphore } from './locks';
export { DeferredQueue } from './deferred-queue';

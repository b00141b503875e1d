/**
 * `torsion/reactor`: Twisted's reactor model on Node — narrow capability interfaces, the shared
 * delayed-call heap, reactors and transports. Importing it never loads node-gtk.
 */
export type { DelayedCall, ReactorTime } from '../defer/time';
export { AlreadyCalled, AlreadyCancelled } from './errors';
export { DelayedCallQueue, ScheduledCall } from './delayed-call-queue';
export type { DelayedCallQueueOptions } from './delayed-call-queue';
export { toObservable, fromObservable } from './deferred-observable';

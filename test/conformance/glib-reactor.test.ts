/**
 * The conformance suite on `GLibReactor` (plain libuv).
 */
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { GLibReactor } from '../../src/reactor/impl/glib-reactor';
import { coreSuite } from './core';
import { countFds, type FullReactorBuilder } from './helpers';
import { timeSuite } from './time';

const builder: FullReactorBuilder = { name: 'GLibReactor', build: () => new GLibReactor() };

// The first GLib loop run opens GLib's own long-lived fds (the main context's wake-up eventfd…).
beforeAll(async () => {
  const r = builder.build();
  r.callWhenRunning(() => r.stop());
  await r.run({ installSignalHandlers: false });
});

let baseline = 0;
beforeEach(() => {
  baseline = countFds();
});
afterEach(() => {
  expect(countFds(), 'fds left open').toBe(baseline);
});

coreSuite(builder);
timeSuite(builder);

/**
 * The time and core conformance suites on `MemoryReactor` (virtual time through its `Clock`): the
 * driver advances the clock to the next delayed call until the reactor's run Deferred fires.
 */
import { MemoryReactor } from '../../src/testing/memory-reactor';
import { coreSuite } from './core';
import type { ReactorBuilder } from './helpers';
import { timeSuite } from './time';

const builder: ReactorBuilder<MemoryReactor> = {
  name: 'MemoryReactor',
  build: () => new MemoryReactor(),
  delayedCallErrors: 'raised',
  async drive(reactor, done) {
    for (let round = 0; round < 100_000 && !done.called; round++) {
      await new Promise<void>((resolve) => setImmediate(resolve)); // let awaiting test code continue
      if (done.called) break;
      const next = reactor.getDelayedCalls()[0];
      if (next === undefined) throw new Error('MemoryReactor: nothing scheduled and not stopped (deadlock)');
      reactor.advance(Math.max(0, next.getTime() - reactor.seconds()));
    }
  },
};

coreSuite(builder as ReactorBuilder);
timeSuite(builder as ReactorBuilder);

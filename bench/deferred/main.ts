/**
 * Deferred benchmark (`npm run bench:deferred`): callbacks per second for a flat 10-callback chain
 * and links per second for a 1,000-deep nested chain of pending Deferreds (each callback returns the
 * next, still unfired, Deferred; the last one is fired afterwards), and native Promises doing the
 * same, in one run. Prints one JSON object with the figures and the ratios against native Promises
 * and against Twisted 22.4 measured on the project machine (1.4 M callbacks/s flat, 0.27 M links/s
 * nested-pending). Not a test: nothing here fails on a slow machine.
 */
import { Deferred } from '../../src/defer/index';

const FLAT_LINKS = 10;
const DEPTH = 1_000;
const TWISTED = { flatCallbacksPerSec: 1.4e6, nestedLinksPerSec: 0.27e6 };
const NATIVE_PROMISE_REFERENCE = 25e6;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? '1');

const inc = (x: number): number => x + 1;
let sink = 0;

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** Run `batch` until `seconds` have passed; returns units per second (`unitsPerBatch` units per call). */
function measureSync(batch: () => void, unitsPerBatch: number, seconds: number): number {
  for (let i = 0; i < 200; i++) batch(); // warm-up
  let units = 0;
  const start = now();
  let elapsed = 0;
  while (elapsed < seconds) {
    for (let i = 0; i < 100; i++) batch();
    units += 100 * unitsPerBatch;
    elapsed = now() - start;
  }
  return units / elapsed;
}

async function measureAsync(batch: () => Promise<void>, unitsPerBatch: number, seconds: number): Promise<number> {
  for (let i = 0; i < 200; i++) await batch();
  let units = 0;
  const start = now();
  let elapsed = 0;
  while (elapsed < seconds) {
    for (let i = 0; i < 100; i++) await batch();
    units += 100 * unitsPerBatch;
    elapsed = now() - start;
  }
  return units / elapsed;
}

function deferredFlat(): void {
  const d = new Deferred<number>();
  for (let i = 0; i < FLAT_LINKS; i++) d.addCallback(inc);
  d.callback(0);
  sink += d.result as number;
}

function deferredNested(): void {
  const ds: Deferred<number>[] = new Array<Deferred<number>>(DEPTH);
  for (let i = 0; i < DEPTH; i++) ds[i] = new Deferred<number>();
  for (let i = 0; i < DEPTH - 1; i++) {
    const next = ds[i + 1] as Deferred<number>;
    (ds[i] as Deferred<number>).addCallback(() => next);
  }
  for (let i = 0; i < DEPTH - 1; i++) (ds[i] as Deferred<number>).callback(0);
  (ds[DEPTH - 1] as Deferred<number>).callback(1);
  sink += (ds[0] as Deferred<number>).result as number;
}

async function promiseFlat(): Promise<void> {
  let p: Promise<number> = Promise.resolve(0);
  for (let i = 0; i < FLAT_LINKS; i++) p = p.then(inc);
  sink += await p;
}

async function promiseNested(): Promise<void> {
  const resolvers: Array<(v: number) => void> = new Array<(v: number) => void>(DEPTH);
  const base: Promise<number>[] = new Array<Promise<number>>(DEPTH);
  for (let i = 0; i < DEPTH; i++) base[i] = new Promise<number>((resolve) => { resolvers[i] = resolve; });
  let chain = base[DEPTH - 1] as Promise<number>;
  for (let i = DEPTH - 2; i >= 0; i--) {
    const next = chain;
    chain = (base[i] as Promise<number>).then(() => next);
  }
  for (let i = 0; i < DEPTH - 1; i++) (resolvers[i] as (v: number) => void)(0);
  (resolvers[DEPTH - 1] as (v: number) => void)(1);
  sink += await chain;
}

async function main(): Promise<void> {
  const flatDeferred = measureSync(deferredFlat, FLAT_LINKS, SECONDS);
  const flatPromise = await measureAsync(promiseFlat, FLAT_LINKS, SECONDS);
  const nestedDeferred = measureSync(deferredNested, DEPTH, SECONDS);
  const nestedPromise = await measureAsync(promiseNested, DEPTH, SECONDS);
  const m = (x: number): number => Math.round(x / 1e4) / 100;
  const r = (x: number): number => Math.round(x * 100) / 100;
  const report = {
    node: process.version,
    unit: 'millions per second',
    flat10: {
      deferredCallbacks: m(flatDeferred),
      promiseCallbacks: m(flatPromise),
      deferredOverPromise: r(flatDeferred / flatPromise),
      deferredOverTwisted: r(flatDeferred / TWISTED.flatCallbacksPerSec),
      deferredOverPromiseReference25M: r(flatDeferred / NATIVE_PROMISE_REFERENCE),
    },
    nested1000Pending: {
      deferredLinks: m(nestedDeferred),
      promiseLinks: m(nestedPromise),
      deferredOverPromise: r(nestedDeferred / nestedPromise),
      deferredOverTwisted: r(nestedDeferred / TWISTED.nestedLinksPerSec),
    },
    targets: {
      flatAtLeast10xTwisted: flatDeferred >= 10 * TWISTED.flatCallbacksPerSec,
      flatWithin2xOfPromise: flatDeferred * 2 >= flatPromise,
    },
    twistedReference: { flatCallbacks: 1.4, nestedLinks: 0.27 },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (sink === -1) process.stdout.write('unreachable\n');
}

void main();

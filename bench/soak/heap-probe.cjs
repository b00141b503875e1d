/**
 * Preloaded into the soak's `torsion serve` child (`NODE_OPTIONS=--require …/heap-probe.cjs`) to
 * tell JS-heap growth from native growth. Every `TORSION_SOAK_HEAP_MS` (default 10,000) it appends
 * one JSON line to `TORSION_SOAK_HEAP_FILE`: `process.memoryUsage()` (rss, heapTotal, heapUsed,
 * external, arrayBuffers) and the count of V8 native contexts, taken after a full GC when
 * `TORSION_SOAK_GC=1`; every Node process of the server writes its own lines (`pid`), feed
 * processes included, since they inherit NODE_OPTIONS (the GC function comes from `v8.setFlagsFromString('--expose-gc')`, since Node
 * 20 refuses `--expose-gc` in NODE_OPTIONS). On SIGUSR2 it writes a heap snapshot beside the file.
 * Test and bench only: nothing under src/ loads it. Used by bench/soak/main.ts and by
 * test/reliability/leaks.test.ts (RSS after a GC, so the V8 heap's sawtooth does not read as a leak).
 */
'use strict';
const fs = require('node:fs');
const v8 = require('node:v8');
const vm = require('node:vm');
const { isMainThread } = require('node:worker_threads');

const file = process.env.TORSION_SOAK_HEAP_FILE;
// Preloads also run in the module-loader thread of `--import tsx`: sample the main thread only.
if (file && isMainThread) {
  let gc = null;
  if (process.env.TORSION_SOAK_GC === '1') {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc');
  }
  const every = Number(process.env.TORSION_SOAK_HEAP_MS) || 10_000;
  const started = process.hrtime.bigint();
  const sample = () => {
    if (gc !== null) gc();
    const m = process.memoryUsage();
    const h = v8.getHeapStatistics();
    const line = {
      pid: process.pid,
      at: Date.now(),
      t: Number((process.hrtime.bigint() - started) / 1_000_000n) / 1000,
      rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers,
      nativeContexts: h.number_of_native_contexts, detachedContexts: h.number_of_detached_contexts,
      mallocedMemory: h.malloced_memory,
    };
    try { fs.appendFileSync(file, `${JSON.stringify(line)}\n`); } catch { /* the bench reads what it can */ }
  };
  const timer = setInterval(sample, every);
  timer.unref();
  process.on('SIGUSR2', () => {
    try { v8.writeHeapSnapshot(`${file}.${Date.now()}.heapsnapshot`); } catch { /* best effort */ }
  });
}

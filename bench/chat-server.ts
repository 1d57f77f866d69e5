/**
 * The service as the chat bench runs it: src/main.ts plus an IPC hook that forces a full garbage
 * collection and reports memory, so heap per connection can be measured without garbage in it.
 * Start with --expose-gc.
 */
import { writeHeapSnapshot } from 'node:v8';
import '../src/main.js';

process.on('message', (message: unknown) => {
  if (message === 'snapshot') {
    process.send?.({ file: writeHeapSnapshot() });
    return;
  }
  if (message !== 'memory') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.send?.({ heapUsed, rss });
});

// Diagnostics: one heap snapshot the first time the heap holds more than this many MB.
const snapshotAbove = Number(process.env.BENCH_HEAP_SNAPSHOT_ABOVE_MB ?? 0);
if (snapshotAbove > 0) {
  const watch = setInterval(() => {
    if (process.memoryUsage().heapUsed < snapshotAbove * 1024 * 1024) return;
    clearInterval(watch);
    console.log(JSON.stringify({ heapSnapshot: writeHeapSnapshot() }));
  }, 200);
  watch.unref();
}

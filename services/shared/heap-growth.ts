/**
 * How far V8 lets the heap grow past what its last full collection kept alive before it
 * collects again (HEAP_GROWING_PERCENT). Under the bench's mixed load a node keeps ~47 MB
 * alive; V8's own heuristic, seeing collections this cheap, let the heap grow to ~180 MB
 * between them (~280 MB RSS at the peak). At 100 (a factor of 2) it stays near 100 MB
 * (~206 MB RSS) for a mark-compact of ~5 ms every few seconds, at no measurable cost in
 * throughput (bench/README.md). 0 leaves V8's heuristic.
 *
 * Set at run time rather than on the command line, so `npm start`, the Dockerfile and a
 * plain `node dist/server.js` all get it: V8 reads the flag at each collection.
 */
import v8 from "node:v8";

export function applyHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

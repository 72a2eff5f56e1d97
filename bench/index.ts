export type { BenchOptions, BenchResult } from './run-bench.js';
export type { AdapterFigures, AdapterResult } from './adapter-bench.js';
export type { Floor } from './floor.js';
export { runBench } from './run-bench.js';
export { benchTable } from './table.js';
export { measureFloor } from './floor.js';
export { measureRuntimeSteps } from './runtime-steps.js';
export { measureRuntimeWaits } from './runtime-waits.js';

export {
  proveIsolation,
  proveIsolationOf,
  LAYERS,
  type IsolationReport,
  type Leak,
  type Layer,
  type Hop,
} from './prove';
export { assertIsolated, formatLeak, formatMatrix, IsolationError, leakingLayers } from './report';
export { readSynthesizedStacks, type StackJson, type SynthesizedStacks } from './synthesized';

export {
  proveIsolation,
  proveIsolationOf,
  LAYERS,
  type AllowedSharedService,
  type Finding,
  type IsolationReport,
  type Leak,
  type Layer,
  type Hop,
  type ProofOptions,
} from './prove';
export {
  assertIsolated,
  formatLeak,
  formatMatrix,
  formatUnproven,
  IsolationError,
  layerStatus,
  leakingLayers,
  pairStatus,
  reportJson,
  reportMarkdown,
  verdict,
  writeIsolationReports,
} from './report';
export { CATALOGUE, catalogueEntry, type CatalogueEntry } from './catalogue';
export { readSynthesizedStacks, type StackJson, type SynthesizedStacks } from './synthesized';

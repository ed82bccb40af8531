// The explorer: an interactive, offline page over a result set, a comparison of two, or a sweep.
export {
  loadExplorePayload,
  loadSetPayload,
  loadComparePayload,
  loadSweepPayload,
  quantise,
  dequantise,
  thinPositions,
  sampleIndexes,
  MISSING,
  MINER_SERIES_FILES,
  type ExplorePayload,
  type SetPayload,
  type SeriesBlock,
  type MinerOutcomes,
  type SweepPointPayload,
  type EmbedOptions,
} from './data.ts';
export { buildExplorePage, explorePayloadJson, payloadLabels, type PageOptions } from './page.ts';
export { writeExplorePage, serveExplorer, defaultPagePath, type ServeHandle } from './write.ts';

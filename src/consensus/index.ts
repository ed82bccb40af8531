// Exact Bitcoin consensus rules (mirroring Bitcoin Core) and alternative difficulty algorithms.
export { MAINNET, difficultyAdjustmentInterval, type ConsensusParams } from './params.ts';
export { compactToTarget, targetToCompact, type CompactTarget } from './compact.ts';
export {
  nextWorkRequired,
  permittedDifficultyTransition,
  blockProof,
  checkProofOfWork,
  expectedHashesPerBlock,
  difficultyFromBits,
} from './pow.ts';
export { blockSubsidy, blockSubsidySats, COIN } from './subsidy.ts';
export { calculateAsert } from './asert.ts';
export {
  createDifficultyAlgorithm,
  type DifficultyAlgorithm,
  type DifficultyAlgorithmConfig,
  type DifficultyStart,
} from './difficulty-algorithm.ts';

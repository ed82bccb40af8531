/**
 * Consensus parameters, mirroring the fields of Bitcoin Core's `Consensus::Params` (src/consensus/params.h)
 * that the proof-of-work and subsidy rules read.
 */
export interface ConsensusParams {
  /** Easiest allowed target (Core's `powLimit`), 0 < powLimit < 2^256. */
  readonly powLimit: bigint;
  /** Target block interval in seconds (Core's `nPowTargetSpacing`). */
  readonly powTargetSpacing: number;
  /** Retarget period in seconds (Core's `nPowTargetTimespan`). */
  readonly powTargetTimespan: number;
  /** Blocks between subsidy halvings (Core's `nSubsidyHalvingInterval`). */
  readonly subsidyHalvingInterval: number;
  /** Core's `fPowNoRetargeting` (regtest): retargets keep the old bits. */
  readonly powNoRetargeting: boolean;
  /** Core's `fPowAllowMinDifficultyBlocks` (testnet): every difficulty transition is permitted. */
  readonly powAllowMinDifficultyBlocks: boolean;
}

/** Bitcoin mainnet (Core's `CMainParams`, src/kernel/chainparams.cpp). */
export const MAINNET: Readonly<
  ConsensusParams & {
    /** Blocks per retarget period: timespan / spacing = 2016 (Core's `DifficultyAdjustmentInterval()`). */
    readonly difficultyAdjustmentInterval: number;
    /** `powLimit` in compact form, 0x1d00ffff (the genesis block's bits). */
    readonly powLimitBits: number;
  }
> = Object.freeze({
  powLimit: (1n << 224n) - 1n,
  powTargetSpacing: 600,
  powTargetTimespan: 14 * 24 * 60 * 60,
  subsidyHalvingInterval: 210_000,
  powNoRetargeting: false,
  powAllowMinDifficultyBlocks: false,
  difficultyAdjustmentInterval: 2016,
  powLimitBits: 0x1d00ffff,
});

/** Core's `DifficultyAdjustmentInterval()`: integer division of timespan by spacing. */
export function difficultyAdjustmentInterval(params: ConsensusParams): number {
  return Math.trunc(params.powTargetTimespan / params.powTargetSpacing);
}

const TWO_256 = 1n << 256n;

/** Throws a clear error when user-supplied parameters could not come from a real chain. */
export function checkParams(params: ConsensusParams): void {
  if (typeof params !== 'object' || params === null) throw new TypeError('consensus params must be an object');
  if (typeof params.powLimit !== 'bigint') throw new TypeError(`params.powLimit must be a bigint, got ${typeof params.powLimit}`);
  if (params.powLimit <= 0n || params.powLimit >= TWO_256) {
    throw new RangeError(`params.powLimit must be in (0, 2^256), got ${params.powLimit}`);
  }
  for (const key of ['powTargetSpacing', 'powTargetTimespan', 'subsidyHalvingInterval'] as const) {
    const v = params[key];
    if (typeof v !== 'number') throw new TypeError(`params.${key} must be a number, got ${typeof v}`);
    if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`params.${key} must be a positive integer, got ${v}`);
  }
  if (params.powTargetTimespan < params.powTargetSpacing) {
    throw new RangeError('params.powTargetTimespan must be at least params.powTargetSpacing');
  }
}

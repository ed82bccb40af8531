import type { Scenario } from '../scenario/schema.ts';
import { realizedHashrateBefore, resolveStart } from '../scenario/calibration.ts';

/** The chain tip the simulation starts from (see consensus `DifficultyStart`). */
export interface EngineStart {
  /** Height of the tip (the last block before the simulation). */
  readonly height: number;
  /** Bits required of block height + 1. */
  readonly bits: number;
  /** Unix time (s) of the tip = the simulation clock's zero. */
  readonly time: number;
  /** Time of the first block of the tip's retarget period (Bitcoin only). */
  readonly epochFirstBlockTime?: number;
  /**
   * Realized mean hashrate (EH/s) of the last retarget epoch completed at the tip, from the real
   * retarget data (undefined outside it); `fringe.hashrateEHs: realized` starts the network there.
   */
  readonly realizedHashrateEHs?: number;
}

/** The scenario's start: calibrated from the real retarget data unless height/bits are explicit. */
export function scenarioStart(scenario: Scenario): EngineStart {
  const r = resolveStart(scenario);
  const realized = realizedHashrateBefore(r.height);
  return {
    height: r.height,
    bits: r.bits,
    time: r.time,
    epochFirstBlockTime: r.epochFirstBlockTime,
    ...(realized !== null ? { realizedHashrateEHs: realized } : {}),
  };
}

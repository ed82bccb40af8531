import { HashsimError } from '../errors.ts';
import type { Scenario } from '../scenario/schema.ts';
import { EPOCH_BITS, EPOCH_BLOCKS } from '../scenario/retarget-data.ts';

/** The chain tip the simulation starts from. */
export interface EngineStart {
  /** Height of the tip (the last block before the simulation). */
  readonly height: number;
  /** Bits required of block height + 1. */
  readonly bits: number;
  /** Unix time (s) of the tip = the simulation clock's zero. */
  readonly time: number;
  readonly epochFirstBlockTime?: number;
}

export function parseBits(bits: string | number, where: string): number {
  const v = typeof bits === 'number' ? bits : Number.parseInt(bits.slice(2), 16);
  if (!Number.isInteger(v) || v <= 0 || v > 0xffffffff) throw new HashsimError(`${where}: expected compact bits like "0x170240c3", got ${bits}`);
  return v;
}

/**
 * Fallback start when the scenario module's calibrated `resolveStart` is not used: explicit
 * height/bits, else the last known retarget (bits of the latest epoch, tip just before it).
 */
export function fallbackStart(scenario: Scenario): EngineStart {
  const time = Math.floor(Date.parse(`${scenario.start.date}T00:00:00Z`) / 1000);
  if (!Number.isFinite(time)) throw new HashsimError(`start.date: expected an ISO date, got ${scenario.start.date}`);
  const lastEpoch = EPOCH_BITS.length - 1;
  const height = scenario.start.height ?? lastEpoch * EPOCH_BLOCKS - 1;
  const bits = scenario.start.bits !== undefined ? parseBits(scenario.start.bits, 'start.bits') : EPOCH_BITS[Math.min(lastEpoch, Math.floor((height + 1) / EPOCH_BLOCKS))]!;
  return { height, bits, time };
}

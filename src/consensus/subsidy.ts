/** Block subsidy of Bitcoin Core's `GetBlockSubsidy` (src/validation.cpp). */
import { MAINNET } from './params.ts';

/** Satoshis per bitcoin (Core's `COIN`). */
export const COIN = 100_000_000;
const INITIAL_SUBSIDY = 50 * COIN;

function halvings(height: number, halvingInterval: number): number {
  if (typeof height !== 'number') throw new TypeError(`height must be a number, got ${typeof height}`);
  if (!Number.isSafeInteger(height) || height < 0) throw new RangeError(`height must be a non-negative integer, got ${height}`);
  if (typeof halvingInterval !== 'number') throw new TypeError(`halvingInterval must be a number, got ${typeof halvingInterval}`);
  if (!Number.isSafeInteger(halvingInterval) || halvingInterval <= 0) {
    throw new RangeError(`halvingInterval must be a positive integer, got ${halvingInterval}`);
  }
  return Math.floor(height / halvingInterval);
}

/**
 * Subsidy of the block at `height` in satoshis: (50 * COIN) >> floor(height / 210000), and 0 from
 * the 64th halving on (where Core avoids the undefined shift).
 */
export function blockSubsidy(height: number, halvingInterval: number = MAINNET.subsidyHalvingInterval): bigint {
  const h = halvings(height, halvingInterval);
  if (h >= 64) return 0n;
  return BigInt(INITIAL_SUBSIDY) >> BigInt(h);
}

/**
 * `Number(blockSubsidy(height))` without allocating: the subsidy never exceeds 5e9 sat, so a double
 * holds it exactly (a right shift of an integer below 2^53 is an exact floor division by 2^h).
 */
export function blockSubsidySats(height: number, halvingInterval: number = MAINNET.subsidyHalvingInterval): number {
  const h = halvings(height, halvingInterval);
  if (h >= 64) return 0;
  return Math.floor(INITIAL_SUBSIDY / 2 ** h);
}

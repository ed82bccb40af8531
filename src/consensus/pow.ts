/**
 * Proof-of-work rules of Bitcoin Core's src/pow.cpp (CalculateNextWorkRequired,
 * PermittedDifficultyTransition), GetBlockProof (src/chain.cpp) and GetDifficulty (src/rpc/blockchain.cpp).
 */
import { checkBits, compactToTarget, targetToCompact, UINT256_MOD } from './compact.ts';
import { checkParams, difficultyAdjustmentInterval, MAINNET, type ConsensusParams } from './params.ts';

const UINT256_MASK = UINT256_MOD - 1n;

function checkTime(t: number, name: string): void {
  if (typeof t !== 'number') throw new TypeError(`${name} must be a number (unix seconds), got ${typeof t}`);
  if (!Number.isSafeInteger(t)) throw new RangeError(`${name} must be an integer number of unix seconds, got ${t}`);
}

function checkHeight(height: number, name = 'height'): void {
  if (typeof height !== 'number') throw new TypeError(`${name} must be a number, got ${typeof height}`);
  if (!Number.isSafeInteger(height) || height < 0) throw new RangeError(`${name} must be a non-negative integer, got ${height}`);
}

/** Core's `bnNew *= n; bnNew /= timespan` on arith_uint256: the product wraps modulo 2^256. */
function scaleTarget(bits: number, timespan: number, params: ConsensusParams): bigint {
  const scaled = ((compactToTarget(bits).target * BigInt(timespan)) & UINT256_MASK) / BigInt(params.powTargetTimespan);
  return scaled > params.powLimit ? params.powLimit : scaled;
}

/**
 * Core's `CalculateNextWorkRequired(pindexLast, nFirstBlockTime, params)`: the bits of the first
 * block of a new period, from the bits and time of the period's last block and the time of its
 * first block. The timespan covers 2015 intervals (Core's off-by-one), is clamped to
 * [timespan/4, timespan*4], and the target is scaled in 256-bit integer arithmetic, capped at
 * powLimit and re-encoded with the truncating GetCompact. The sign bit of `lastBits` is ignored, as in Core.
 */
export function nextWorkRequired(
  lastBits: number,
  firstBlockTime: number,
  lastBlockTime: number,
  params: ConsensusParams = MAINNET,
): number {
  checkBits(lastBits, 'lastBits');
  checkTime(firstBlockTime, 'firstBlockTime');
  checkTime(lastBlockTime, 'lastBlockTime');
  if (params !== MAINNET) checkParams(params);
  if (params.powNoRetargeting) return lastBits;
  const minSpan = Math.trunc(params.powTargetTimespan / 4);
  const maxSpan = params.powTargetTimespan * 4;
  let actual = lastBlockTime - firstBlockTime;
  if (actual < minSpan) actual = minSpan;
  if (actual > maxSpan) actual = maxSpan;
  return targetToCompact(scaleTarget(lastBits, actual, params));
}

/**
 * Core's `PermittedDifficultyTransition(params, height, old_nbits, new_nbits)`: whether block
 * `height` may carry `newBits` when its parent carries `oldBits`. Off retarget heights the bits must
 * not change; at a retarget height the new target must lie within the (compact-rounded) targets of
 * the shortest and longest allowed timespans.
 */
export function permittedDifficultyTransition(
  height: number,
  oldBits: number,
  newBits: number,
  params: ConsensusParams = MAINNET,
): boolean {
  checkHeight(height);
  checkBits(oldBits, 'oldBits');
  checkBits(newBits, 'newBits');
  if (params !== MAINNET) checkParams(params);
  if (params.powAllowMinDifficultyBlocks) return true;
  if (height % difficultyAdjustmentInterval(params) === 0) {
    const observed = compactToTarget(newBits).target;
    const largest = compactToTarget(targetToCompact(scaleTarget(oldBits, params.powTargetTimespan * 4, params))).target;
    if (largest < observed) return false;
    const smallestSpan = Math.trunc(params.powTargetTimespan / 4);
    const smallest = compactToTarget(targetToCompact(scaleTarget(oldBits, smallestSpan, params))).target;
    if (smallest > observed) return false;
    return true;
  }
  return oldBits === newBits;
}

/**
 * Core's `GetBlockProof`: expected number of hashes to find a block at these bits,
 * floor(2^256 / (target + 1)), computed as ~target / (target + 1) + 1. Zero for negative,
 * overflowing or zero targets.
 */
export function blockProof(bits: number): bigint {
  const { target, negative, overflow } = compactToTarget(bits);
  if (negative || overflow || target === 0n) return 0n;
  return (UINT256_MASK ^ target) / (target + 1n) + 1n;
}

/**
 * Core's `CheckProofOfWorkImpl`: the bits must encode a positive, non-overflowing target no
 * easier than powLimit, and the block hash (as a 256-bit integer) must not exceed it.
 */
export function checkProofOfWork(hash: bigint, bits: number, params: ConsensusParams = MAINNET): boolean {
  if (typeof hash !== 'bigint') throw new TypeError(`hash must be a bigint, got ${typeof hash}`);
  if (hash < 0n || hash >= UINT256_MOD) throw new RangeError('hash must be in [0, 2^256)');
  const { target, negative, overflow } = compactToTarget(bits);
  if (negative || target === 0n || overflow || target > params.powLimit) return false;
  return hash <= target;
}

let lastProofBits = -1;
let lastProofValue = 0;

/**
 * `Number(blockProof(bits))`, remembered for the last bits seen so a simulation that calls it on
 * every block allocates only when the bits change.
 */
export function expectedHashesPerBlock(bits: number): number {
  if (bits === lastProofBits) return lastProofValue;
  const value = Number(blockProof(bits));
  lastProofBits = bits;
  lastProofValue = value;
  return value;
}

/**
 * Core's `GetDifficulty`: powLimit-relative difficulty 0xffff * 256^(29-size) / mantissa, computed in
 * doubles exactly as Core does (including the sign bit in the mantissa, Infinity for a zero mantissa).
 */
export function difficultyFromBits(bits: number): number {
  checkBits(bits);
  let shift = (bits >>> 24) & 0xff;
  let diff = 0x0000ffff / (bits & 0x00ffffff);
  while (shift < 29) {
    diff *= 256.0;
    shift++;
  }
  while (shift > 29) {
    diff /= 256.0;
    shift--;
  }
  return diff;
}

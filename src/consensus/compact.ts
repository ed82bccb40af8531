/**
 * The compact ("nBits") encoding of 256-bit targets, bit for bit as Bitcoin Core's
 * `arith_uint256::SetCompact` / `GetCompact` (src/arith_uint256.cpp).
 *
 * nBits = SSMMMMMM (hex): size byte S, 23-bit mantissa M and a sign bit (0x00800000).
 * target = M * 256^(S-3), computed in 256-bit arithmetic (bits shifted past 2^256 are lost, as in Core).
 */

export const UINT256_MOD = 1n << 256n;
const UINT256_MASK = UINT256_MOD - 1n;

/** Decoded compact bits: Core's SetCompact result with its pfNegative / pfOverflow flags. */
export interface CompactTarget {
  readonly target: bigint;
  readonly negative: boolean;
  readonly overflow: boolean;
}

/** Validates a compact nBits value: an integer in [0, 2^32). */
export function checkBits(bits: number, name = 'bits'): void {
  if (typeof bits !== 'number') throw new TypeError(`${name} must be a number, got ${typeof bits}`);
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) {
    throw new RangeError(`${name} must be an integer in [0, 0xffffffff], got ${bits}`);
  }
}

/** Core's `SetCompact(nCompact, &fNegative, &fOverflow)`. */
export function compactToTarget(bits: number): CompactTarget {
  checkBits(bits);
  const size = bits >>> 24;
  let word = bits & 0x007fffff;
  let target: bigint;
  if (size <= 3) {
    // Core shifts the word itself here, so the flags below see the shifted word.
    word >>>= 8 * (3 - size);
    target = BigInt(word);
  } else {
    target = (BigInt(word) << BigInt(8 * (size - 3))) & UINT256_MASK;
  }
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow = word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  return { target, negative, overflow };
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * Core's `GetCompact(fNegative)`: truncates the target to its top 23 significant bits. A target
 * whose top mantissa bit would land on the sign bit is shifted one more byte.
 */
export function targetToCompact(target: bigint, negative = false): number {
  if (typeof target !== 'bigint') throw new TypeError(`target must be a bigint, got ${typeof target}`);
  if (target < 0n || target >= UINT256_MOD) throw new RangeError(`target must be in [0, 2^256), got ${target}`);
  if (typeof negative !== 'boolean') throw new TypeError(`negative must be a boolean, got ${typeof negative}`);
  let size = Math.floor((bitLength(target) + 7) / 8);
  let compact: number;
  if (size <= 3) {
    compact = Number(target) * 2 ** (8 * (3 - size));
  } else {
    compact = Number(target >> BigInt(8 * (size - 3)));
  }
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  compact = (compact | (size << 24)) >>> 0;
  if (negative && (compact & 0x007fffff) !== 0) compact = (compact | 0x00800000) >>> 0;
  return compact;
}

/**
 * GetCompact of a non-negative integer held exactly in a double (V = m * 2^e with m < 2^53).
 * Used by hot paths that must not allocate BigInts; equals `targetToCompact(BigInt(v))`.
 */
export function compactFromExactNumber(v: number): number {
  if (v === 0) return 0;
  let e = Math.floor(Math.log2(v));
  // log2 may be off by one near powers of two; fix with exact power-of-two comparisons.
  while (2 ** e > v) e--;
  while (2 ** (e + 1) <= v) e++;
  let size = Math.floor((e + 1 + 7) / 8);
  let compact = size <= 3 ? v * 2 ** (8 * (3 - size)) : Math.floor(v / 2 ** (8 * (size - 3)));
  if (compact & 0x00800000) {
    compact = Math.floor(compact / 256);
    size++;
  }
  return (compact + size * 0x1000000) >>> 0;
}

import { deriveStream } from '../random/index.ts';
import type { RandomStream } from '../random/index.ts';
import { JOE_KUO_6_21201, SOBOL_MAX_DIMS } from './sobol-directions.ts';

// Sobol low-discrepancy sequence in base 2 with Joe & Kuo (2008) direction numbers, 32 bits per
// coordinate (up to 2^32 points), in Gray-code order like Joe & Kuo's sobol.cc and SciPy, so that
// the unscrambled points are those published for new-joe-kuo-6.21201. Optional randomisation: a
// linear matrix scramble (Matousek 1998) followed by a random digital shift, both drawn from a
// seeded RandomStream, which keeps every 2^m-point prefix a (t, m, s)-net: in each dimension the
// first 2^m points fall one in each interval [j/2^m, (j+1)/2^m).

const BITS = 32;
const TWO32 = 2 ** 32;

export { SOBOL_MAX_DIMS };

/** Direction numbers of one dimension (0-based: 0 is van der Corput) as 32-bit integers v_1..v_32. */
export function directionNumbers(dim: number): Uint32Array {
  if (!Number.isInteger(dim) || dim < 0 || dim >= SOBOL_MAX_DIMS) {
    throw new RangeError(`Sobol dimension ${dim} out of range (0..${SOBOL_MAX_DIMS - 1})`);
  }
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [, s, a, m] = JOE_KUO_6_21201[dim - 1]!;
  for (let k = 0; k < Math.min(s, BITS); k++) v[k] = (m[k]! * 2 ** (BITS - 1 - k)) >>> 0;
  for (let k = s; k < BITS; k++) {
    let x = (v[k - s]! ^ (v[k - s]! >>> s)) >>> 0;
    for (let j = 1; j < s; j++) {
      if ((a >>> (s - 1 - j)) & 1) x = (x ^ v[k - j]!) >>> 0;
    }
    v[k] = x;
  }
  return v;
}

function parity32(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

function randomBits32(stream: RandomStream): number {
  return Math.floor(stream.uniform() * TWO32) >>> 0;
}

/**
 * Linear matrix scramble of one dimension's direction numbers: output bit r (0 = most significant)
 * is the xor of input bit r and a random subset of the more significant input bits (a random
 * lower-triangular binary matrix with unit diagonal), so dyadic intervals map onto dyadic intervals.
 */
function scrambleDirections(v: Uint32Array, stream: RandomStream): Uint32Array {
  const rows = new Uint32Array(BITS);
  for (let r = 0; r < BITS; r++) {
    const above = r === 0 ? 0 : (0xffffffff << (BITS - r)) >>> 0;
    rows[r] = ((randomBits32(stream) & above) | (2 ** (BITS - 1 - r))) >>> 0;
  }
  const out = new Uint32Array(BITS);
  for (let k = 0; k < BITS; k++) {
    let y = 0;
    for (let r = 0; r < BITS; r++) if (parity32((v[k]! & rows[r]!) >>> 0)) y |= 2 ** (BITS - 1 - r);
    out[k] = y >>> 0;
  }
  return out;
}

export interface SobolOptions {
  /** Randomise (linear matrix scramble + digital shift) from this seed; omit for the plain sequence. */
  readonly scrambleSeed?: string | number;
  /** Stream component name (distinct designs of one seed use distinct scrambles). */
  readonly component?: string;
}

/**
 * The first n points of the d-dimensional Sobol sequence, as columns: `cols[j][i]` is coordinate j of
 * point i, in [0, 1). Unscrambled, point 0 is the origin and points follow Joe & Kuo's Gray-code
 * order (0; 0.5; 0.75, 0.25; ... in dimension 1).
 */
export function sobolPoints(n: number, d: number, options: SobolOptions = {}): Float64Array[] {
  if (!Number.isInteger(d) || d < 1 || d > SOBOL_MAX_DIMS) throw new RangeError(`Sobol points need 1..${SOBOL_MAX_DIMS} dimensions, got ${d}`);
  if (!Number.isInteger(n) || n < 0 || n > TWO32) throw new RangeError(`Sobol points: n must be an integer in 0..2^32, got ${n}`);
  const stream =
    options.scrambleSeed === undefined
      ? null
      : deriveStream({ seed: options.scrambleSeed, scenario: 'hashsim-sweep', runIndex: 0, component: options.component ?? 'sobol' });
  const cols: Float64Array[] = [];
  for (let j = 0; j < d; j++) {
    let v = directionNumbers(j);
    let shift = 0;
    if (stream) {
      v = scrambleDirections(v, stream);
      shift = randomBits32(stream);
    }
    const col = new Float64Array(n);
    // Gray-code recurrence: point i differs from point i-1 by the direction number of the lowest
    // zero bit of i-1 (Antonov & Saleev 1979).
    let x = shift;
    for (let i = 0; i < n; i++) {
      if (i > 0) {
        let c = 0;
        let m = i - 1;
        while (m & 1) {
          m = Math.floor(m / 2);
          c++;
        }
        x = (x ^ v[c]!) >>> 0;
      }
      col[i] = x / TWO32;
    }
    cols.push(col);
  }
  return cols;
}

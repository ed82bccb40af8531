import { Xor4096, type Xor4096State } from './xor4096.ts';

/**
 * Saved state of a {@link RandomStream}: the xor4096 generator state plus the cached spare normal
 * deviate, so a restored stream continues exactly where the saved one stood.
 */
export interface StreamState {
  readonly key: string;
  readonly prng: object;
  readonly spareNormal: number | null;
}

// xor4096 (Brent's xorgens, with seedrandom's string seeding: xor4096.ts): 4096-bit state, ~10x
// faster than seedrandom's default ARC4, and the seeding mixes the whole key, so keys that differ in
// one character give unrelated streams.

/**
 * A seeded stream of random numbers. One stream belongs to one (seed, scenario, run, component):
 * see {@link deriveStream}. Methods draw from common distributions; all are pure functions of the
 * stream's state.
 */
export class RandomStream {
  readonly key: string;
  private readonly prng: Xor4096;
  private spare: number | null;

  constructor(key: string, state?: StreamState) {
    if (state !== undefined && state.key !== key) {
      throw new RangeError(`stream state belongs to key "${state.key}", not "${key}"`);
    }
    if (state !== undefined) checkState(state);
    this.key = key;
    this.prng = new Xor4096(key, state?.prng as Xor4096State | undefined);
    this.spare = state?.spareNormal ?? null;
  }

  static fromState(state: StreamState): RandomStream {
    return new RandomStream(state.key, state);
  }

  state(): StreamState {
    return { key: this.key, prng: this.prng.state(), spareNormal: this.spare };
  }

  /** Uniform on [0, 1) with 53 bits of resolution. */
  uniform(): number {
    return this.prng.double();
  }

  /** Uniform on (0, 1): safe for logarithms. */
  uniformOpen(): number {
    let u = this.prng.double();
    while (u === 0) u = this.prng.double();
    return u;
  }

  /** Uniform on [min, max). */
  uniformRange(min: number, max: number): number {
    return min + (max - min) * this.prng.double();
  }

  /** Integer uniform on [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`int(n): n must be a positive integer, got ${n}`);
    return Math.floor(this.prng.double() * n);
  }

  bernoulli(p: number): boolean {
    return this.prng.double() < p;
  }

  /** Standard normal by the Marsaglia polar method (the spare deviate is part of the saved state). */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.prng.double() - 1;
      v = 2 * this.prng.double() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return mean + sd * u * f;
  }

  /** Lognormal: exp(N(mu, sigma)). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    if (!(rate > 0)) throw new RangeError(`exponential(rate): rate must be > 0, got ${rate}`);
    return -Math.log(this.uniformOpen()) / rate;
  }

  /**
   * Poisson(lambda). Knuth's product method below 30; above it, the PTRS transformed-rejection
   * method of Hörmann (1993), exact and O(1).
   */
  poisson(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) {
      throw new RangeError(`poisson(lambda): lambda must be a finite number >= 0, got ${lambda}`);
    }
    if (lambda === 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.prng.double();
      while (p > limit) {
        k++;
        p *= this.prng.double();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.prng.double() - 0.5;
      const v = this.prng.double();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * loglam - logFactorial(k)
      ) {
        return k;
      }
    }
  }

  /** Gamma(shape, scale) by Marsaglia and Tsang (2000). */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !(scale > 0)) throw new RangeError(`gamma: shape and scale must be > 0, got ${shape}, ${scale}`);
    if (shape < 1) {
      return this.gamma(shape + 1, scale) * Math.pow(this.uniformOpen(), 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniformOpen();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Beta(a, b) from two gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /** Triangular on [min, max] with the given mode. */
  triangular(min: number, mode: number, max: number): number {
    if (!(min <= mode && mode <= max && min < max)) {
      throw new RangeError(`triangular: need min <= mode <= max and min < max, got ${min}, ${mode}, ${max}`);
    }
    const u = this.prng.double();
    const f = (mode - min) / (max - min);
    return u < f
      ? min + Math.sqrt(u * (max - min) * (mode - min))
      : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
  }
}

/**
 * A corrupted checkpoint must not resume with different draws (seedrandom, whose format this is,
 * silently reseeded from the key when a state lacked its `X` array): reject anything that is not an
 * xor4096 state.
 */
function checkState(state: StreamState): void {
  const p = state.prng as { X?: unknown; i?: unknown; w?: unknown } | null;
  const ok =
    typeof p === 'object' &&
    p !== null &&
    Array.isArray(p.X) &&
    p.X.length === 128 &&
    p.X.every((x) => Number.isInteger(x)) &&
    Number.isInteger(p.i) &&
    Number.isInteger(p.w);
  if (!ok) throw new RangeError(`stream state for "${state.key}" is not a saved xor4096 state`);
  if (state.spareNormal !== null && typeof state.spareNormal !== 'number') {
    throw new RangeError(`stream state for "${state.key}": spareNormal must be a number or null`);
  }
}

const LOG_FACT_TABLE: number[] = [0];
function logFactorial(k: number): number {
  if (k < 256) {
    while (LOG_FACT_TABLE.length <= k) {
      const n = LOG_FACT_TABLE.length;
      LOG_FACT_TABLE.push(LOG_FACT_TABLE[n - 1]! + Math.log(n));
    }
    return LOG_FACT_TABLE[k]!;
  }
  // Stirling series: error below 1e-10 for k >= 256.
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}

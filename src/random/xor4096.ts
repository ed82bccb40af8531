// Richard Brent's xorgens xor4096 generator with seedrandom's string seeding and its 53-bit double():
// the same numbers as seedrandom 3.0.5's `xor4096(key).double()` (lib/xor4096.js, MIT licence,
// (c) David Bau), draw for draw, and the same saved-state format ({ i, w, X }). A class of its own:
// seedrandom builds each generator from fresh closures, so every new stream (several per run) is a
// new call target where the block loop calls `double()`, and V8 threw away and recompiled the
// loop's optimized code at each run; one class's method is one target, inlined once.
// test/random-xor4096.test.ts checks it against seedrandom itself.

/** A saved generator state (seedrandom's format: JSON-compatible, X as a plain array). */
export interface Xor4096State {
  readonly i: number;
  readonly w: number;
  readonly X: readonly number[];
}

const WEYL = 0x61c88647;

export class Xor4096 {
  /** The xorshift generator's 128 words (only their int32 value is ever used). */
  private readonly X = new Int32Array(128);
  private i = 0;
  /** The Weyl generator. */
  private w = 0;

  /** Seeded from a string key (seedrandom's mixing of every character), or restored from a state. */
  constructor(key: string, state?: Xor4096State) {
    if (state !== undefined) {
      this.i = state.i;
      this.w = state.w;
      for (let k = 0; k < 128; k++) this.X[k] = state.X[k]!;
      return;
    }
    const X = this.X;
    const seed = key + '\0';
    const limit = Math.max(128, seed.length);
    let v = 0;
    let w = 0;
    let t: number;
    let zeros = 0;
    // Mix the key's characters into v and X, and take v after 32 shuffles as the Weyl value.
    for (let j = -32; j < limit; ++j) {
      v ^= seed.charCodeAt((j + 32) % seed.length);
      if (j === 0) w = v;
      v ^= v << 10;
      v ^= v >>> 15;
      v ^= v << 4;
      v ^= v >>> 13;
      if (j >= 0) {
        w = (w + WEYL) | 0;
        t = X[j & 127]! ^ (v + w);
        X[j & 127] = t;
        zeros = t === 0 ? zeros + 1 : 0;
      }
    }
    // All zeroes: make the key nonzero.
    if (zeros >= 128) X[seed.length & 127] = -1;
    // Run the generator 512 times to mix the state further (the Weyl generator is not advanced).
    let i = 127;
    for (let j = 4 * 128; j > 0; --j) {
      let a = X[(i + 34) & 127]!;
      i = (i + 1) & 127;
      let b = X[i]!;
      a ^= a << 13;
      b ^= b << 17;
      a ^= a >>> 15;
      b ^= b >>> 12;
      X[i] = a ^ b;
    }
    this.w = w;
    this.i = i;
  }

  /** The next 32-bit output (signed). */
  next(): number {
    const X = this.X;
    const w = (this.w = (this.w + WEYL) | 0);
    let v = X[(this.i + 34) & 127]!;
    const i = (this.i = (this.i + 1) & 127);
    let t = X[i]!;
    v ^= v << 13;
    t ^= t << 17;
    v ^= v >>> 15;
    t ^= t >>> 12;
    v = v ^ t;
    X[i] = v;
    return (v + (w ^ (w >>> 16))) | 0;
  }

  /** Uniform on (0, 1) with 53 bits: two outputs, 21 + 32 bits. */
  double(): number {
    let result: number;
    do {
      const top = this.next() >>> 11;
      const bot = (this.next() >>> 0) / 0x100000000;
      result = (top + bot) / (1 << 21);
    } while (result === 0);
    return result;
  }

  state(): Xor4096State {
    return { i: this.i, w: this.w, X: Array.from(this.X) };
  }
}

import { HashsimError } from '../errors.ts';
import type { RandomStream } from '../random/index.ts';
import type { ImpactConfig, PriceModelConfig, ShockConfig } from './schema.ts';

/** Days per year used to convert annual drift/volatility to a step (BTC trades every day). */
export const DAYS_PER_YEAR = 365;

export interface PriceProcess {
  readonly initialUsd: number;
  /**
   * Price for step `stepIndex` (1-based; step 0 is initialUsd), given miners' net BTC sold during
   * the previous step (used only when impact is on). No allocation per call. Steps must be asked
   * for in order 1, 2, 3, ... (a skipped or repeated step is a programming error: RangeError).
   */
  next(stepIndex: number, netSoldBtcPrevStep: number, issuedBtcPrevStep?: number): number;
  /** Regime-switching model only: the regime in force during the last step returned. */
  readonly regime?: 'bull' | 'bear';
}

export interface PriceProcessOptions {
  /** Days per step (the engine's decision interval). */
  readonly stepDays: number;
  /** Number of steps in the horizon (shocks after it are ignored; a CSV path must cover it). */
  readonly horizonSteps: number;
}

/** Step on which a shock on `day` lands: the first step whose end is on or after that day. */
export function shockStep(day: number, stepDays: number): number {
  return Math.ceil(day / stepDays);
}

/** Log-price shift per step from scripted shocks (index = step; several shocks on a step add up). */
function shockTable(shocks: readonly ShockConfig[], stepDays: number, horizonSteps: number): Float64Array {
  const table = new Float64Array(horizonSteps + 1);
  for (const s of shocks) {
    const k = shockStep(s.day, stepDays);
    if (k <= horizonSteps) table[k]! += Math.log1p(s.returnPct / 100);
  }
  return table;
}

/**
 * The impulse of one step's sales on the log price (docs/MODEL.md, "Price impact"):
 *   impulse = -lambda * (netSold - baselineShareOfIssuance * issued) / dailyDepthBtc,
 * of which permanentShare stays and the rest decays with the kernel exp(-ln 2 t / halfLifeDays).
 */
export function impactImpulse(impact: ImpactConfig, netSoldBtc: number, issuedBtc: number): number {
  return (-impact.lambda * (netSoldBtc - impact.baselineShareOfIssuance * issuedBtc)) / impact.dailyDepthBtc;
}

/** Decay of the transient impact over one step of `stepDays`. */
export function impactDecay(impact: ImpactConfig, stepDays: number): number {
  return Math.exp((-Math.LN2 * stepDays) / impact.halfLifeDays);
}

/** Advances the log price by one step: returns the new log price (model part only). */
type Advance = (logPrice: number, stepIndex: number) => number;

export function createPriceProcess(
  config: PriceModelConfig,
  stream: RandomStream,
  opts: PriceProcessOptions,
): PriceProcess {
  const { stepDays, horizonSteps } = opts;
  if (!(stepDays > 0) || !Number.isInteger(horizonSteps) || horizonSteps < 0) {
    throw new RangeError(`createPriceProcess: bad options stepDays=${stepDays}, horizonSteps=${horizonSteps}`);
  }
  const dt = stepDays / DAYS_PER_YEAR;
  const shocks = shockTable(config.shocks, stepDays, horizonSteps);
  const impact = config.impact;
  let regimeNow: 'bull' | 'bear' | undefined;
  let initialUsd: number;
  let advance: Advance;

  switch (config.model) {
    case 'gbm': {
      initialUsd = config.initialUsd;
      const sd = config.volAnnual * Math.sqrt(dt);
      const drift = (config.driftAnnual - 0.5 * config.volAnnual ** 2) * dt;
      advance = (x) => x + drift + sd * stream.normal();
      break;
    }
    case 'merton': {
      initialUsd = config.initialUsd;
      const sd = config.volAnnual * Math.sqrt(dt);
      // Compensator k = E[e^Y] - 1 keeps E[S_t] = S_0 e^{mu t} whatever the jumps.
      const k = Math.exp(config.jumpMeanLog + 0.5 * config.jumpSdLog ** 2) - 1;
      const drift = (config.driftAnnual - 0.5 * config.volAnnual ** 2 - config.jumpsPerYear * k) * dt;
      const jumpRate = config.jumpsPerYear * dt;
      const { jumpMeanLog, jumpSdLog } = config;
      advance = (x) => {
        let r = drift + sd * stream.normal();
        const n = stream.poisson(jumpRate);
        // The sum of n normal jumps is N(n mu_J, n delta^2): one draw whatever n.
        if (n > 0) r += n * jumpMeanLog + Math.sqrt(n) * jumpSdLog * stream.normal();
        return x + r;
      };
      break;
    }
    case 'regime': {
      initialUsd = config.initialUsd;
      const { bull, bear } = config;
      const leaveBull = -Math.expm1(-stepDays / bull.meanDurationDays);
      const leaveBear = -Math.expm1(-stepDays / bear.meanDurationDays);
      const piBull = leaveBear / (leaveBull + leaveBear);
      let isBull: boolean;
      if (config.initialRegime === 'stationary') isBull = stream.uniform() < piBull;
      else isBull = config.initialRegime === 'bull';
      regimeNow = isBull ? 'bull' : 'bear';
      const driftBull = (bull.driftAnnual - 0.5 * bull.volAnnual ** 2) * dt;
      const driftBear = (bear.driftAnnual - 0.5 * bear.volAnnual ** 2) * dt;
      const sdBull = bull.volAnnual * Math.sqrt(dt);
      const sdBear = bear.volAnnual * Math.sqrt(dt);
      // The chain moves at the start of each step; the step's return then uses the new regime.
      advance = (x) => {
        const u = stream.uniform();
        if (isBull ? u < leaveBull : u < leaveBear) isBull = !isBull;
        regimeNow = isBull ? 'bull' : 'bear';
        const z = stream.normal();
        return isBull ? x + driftBull + sdBull * z : x + driftBear + sdBear * z;
      };
      break;
    }
    case 'ou': {
      initialUsd = config.initialUsd;
      const theta = Math.log(config.meanUsd);
      const kappa = config.reversionPerYear;
      const a = Math.exp(-kappa * dt);
      // Exact transition of dX = kappa (theta - X) dt + sigma dW over one step.
      const sd = config.volAnnual * Math.sqrt(-Math.expm1(-2 * kappa * dt) / (2 * kappa));
      advance = (x) => theta + (x - theta) * a + sd * stream.normal();
      break;
    }
    case 'bootstrap': {
      initialUsd = config.initialUsd;
      const raw = config.returns;
      if (raw === undefined) {
        throw new HashsimError(
          'price.returns: the bootstrap model needs daily log returns (give returnsFile in a scenario file, or returns inline)',
        );
      }
      const returns = Float64Array.from(raw);
      if (config.demean) {
        let m = 0;
        for (const r of returns) m += r;
        m /= returns.length;
        for (let i = 0; i < returns.length; i++) returns[i]! -= m;
      }
      const n = returns.length;
      const block = config.blockDays;
      // Circular moving-block bootstrap: a block starts at a uniform index and wraps around, so every
      // historical day is drawn with the same probability.
      let pos = 0;
      let left = 0;
      const days = Math.round(stepDays);
      advance = (x) => {
        for (let d = 0; d < days; d++) {
          if (left === 0) {
            pos = stream.int(n);
            left = block;
          }
          x += returns[pos]!;
          pos = pos + 1 === n ? 0 : pos + 1;
          left--;
        }
        return x;
      };
      break;
    }
    case 'path': {
      const prices = config.pricesUsd;
      if (prices === undefined) {
        throw new HashsimError('price.pricesUsd: the path model needs daily prices (give file in a scenario file, or pricesUsd inline)');
      }
      const needed = horizonSteps * stepDays + 1;
      if (prices.length < needed && config.onShort === 'error') {
        throw new HashsimError(
          `price.pricesUsd: the price path has ${prices.length} daily prices but the horizon needs ${needed} ` +
            `(day 0 to day ${needed - 1}); extend the file or set price.onShort: hold-last`,
        );
      }
      initialUsd = prices[0]!;
      const logs = Float64Array.from(prices, Math.log);
      const last = logs.length - 1;
      // The path's own log returns drive the state, so shocks and impact persist on top of it.
      advance = (x, k) => {
        const i1 = Math.min(k * stepDays, last);
        const i0 = Math.min((k - 1) * stepDays, last);
        return x + logs[i1]! - logs[i0]!;
      };
      break;
    }
  }

  let logPrice = Math.log(initialUsd);
  // The transient part of the impact, on top of the model's log price (it does not feed the model).
  let transient = 0;
  const decay = impact === undefined ? 1 : impactDecay(impact, stepDays);
  let lastStep = 0;
  const process: PriceProcess = {
    initialUsd,
    next(stepIndex: number, netSoldBtcPrevStep: number, issuedBtcPrevStep = 0): number {
      if (stepIndex !== lastStep + 1) {
        throw new RangeError(`PriceProcess.next: expected step ${lastStep + 1}, got ${stepIndex}`);
      }
      lastStep = stepIndex;
      let x = advance(logPrice, stepIndex);
      if (stepIndex <= horizonSteps) x += shocks[stepIndex]!;
      if (impact !== undefined) {
        const impulse = impactImpulse(impact, netSoldBtcPrevStep, issuedBtcPrevStep);
        x += impact.permanentShare * impulse;
        transient = transient * decay + (1 - impact.permanentShare) * impulse;
      }
      logPrice = x;
      const price = Math.exp(x + transient);
      if (!Number.isFinite(price) || price <= 0) {
        throw new HashsimError(`price: the ${config.model} price left the representable range at step ${stepIndex} (${price})`);
      }
      return price;
    },
  };
  if (config.model === 'regime') {
    Object.defineProperty(process, 'regime', { get: () => regimeNow, enumerable: true });
  }
  return process;
}

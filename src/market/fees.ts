import type { RandomStream } from '../random/index.ts';
import type { FeeModelConfig } from './schema.ts';

export interface FeeProcess {
  /** Mean fee per block (BTC) during step `stepIndex`. Called once per step, in order. */
  next(stepIndex: number): number;
}

export function createFeeProcess(config: FeeModelConfig, stream: RandomStream, opts: { stepDays: number }): FeeProcess {
  const { stepDays } = opts;
  switch (config.model) {
    case 'constant': {
      const fee = config.btcPerBlock;
      return { next: () => fee };
    }
    case 'lognormal': {
      const { meanBtcPerBlock: mean, sigmaLog: s } = config;
      // exp(sZ - s^2/2) has mean 1, so the configured value is the mean, not the median.
      return { next: () => mean * Math.exp(s * stream.normal() - 0.5 * s * s) };
    }
    case 'mean-reverting': {
      const theta = Math.log(config.medianBtcPerBlock);
      const a = Math.exp(-config.reversionPerDay * stepDays);
      const sd = config.volPerSqrtDay * Math.sqrt(-Math.expm1(-2 * config.reversionPerDay * stepDays) / (2 * config.reversionPerDay));
      const decay = Math.pow(0.5, stepDays / config.spikeHalfLifeDays);
      const spikeRate = (config.spikesPerYear * stepDays) / 365;
      const spikeMean = config.spikeMeanMultiple;
      let x = theta;
      let spike = 0;
      return {
        next: () => {
          x = theta + (x - theta) * a + sd * stream.normal();
          spike *= decay;
          const n = stream.poisson(spikeRate);
          for (let i = 0; i < n; i++) spike += spikeMean > 0 ? stream.exponential(1 / spikeMean) : 0;
          return Math.exp(x) * (1 + spike);
        },
      };
    }
  }
}

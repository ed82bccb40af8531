// Bounded priors mapped to the real line for the sampler: x = a + (b - a) s(z) (uniform) or
// x = exp(log a + (log b - log a) s(z)) (loguniform), s the logistic function. The prior density in
// z is then the logistic density times nothing else: log p(z) = log s(z) + log(1 - s(z)).
import type { Prior } from './schema.ts';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function toParameter(prior: Prior, z: number): number {
  const s = sigmoid(z);
  if (prior.dist === 'uniform') return prior.min + (prior.max - prior.min) * s;
  return Math.exp(Math.log(prior.min) + (Math.log(prior.max) - Math.log(prior.min)) * s);
}

export function toUnbounded(prior: Prior, x: number): number {
  const s = prior.dist === 'uniform' ? (x - prior.min) / (prior.max - prior.min) : (Math.log(x) - Math.log(prior.min)) / (Math.log(prior.max) - Math.log(prior.min));
  const c = Math.min(1 - 1e-12, Math.max(1e-12, s));
  return Math.log(c / (1 - c));
}

/** log prior density of z (the image of a flat prior on the parameter's own scale). */
export function logPriorZ(z: number): number {
  // log s + log(1 - s) = -softplus(-z) - softplus(z), computed stably.
  const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));
  return -softplus(-z) - softplus(z);
}

/** Prior standard deviation of the parameter (uniform or loguniform), for prior-vs-posterior widths. */
export function priorSd(prior: Prior): number {
  if (prior.dist === 'uniform') return (prior.max - prior.min) / Math.sqrt(12);
  const la = Math.log(prior.min);
  const lb = Math.log(prior.max);
  const m1 = (prior.max - prior.min) / (lb - la);
  const m2 = (prior.max ** 2 - prior.min ** 2) / (2 * (lb - la));
  return Math.sqrt(Math.max(0, m2 - m1 * m1));
}

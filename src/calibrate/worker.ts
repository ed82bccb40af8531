// Piscina worker of `hashsim calibrate`: advances one chain by one block of iterations.
import { advanceChain, startChain, type ChainState } from './sampler.ts';
import { makeLogPosterior, type CalibrationSpec } from './target.ts';

export interface ChainTask {
  /** Identity of the calibration (the job hash): the posterior is built once per worker and job. */
  readonly job: string;
  readonly spec: CalibrationSpec;
  readonly chain: number;
  /** The chain so far, or null to start it. */
  readonly state: ChainState | null;
  readonly until: number;
}

const targets = new Map<string, ReturnType<typeof makeLogPosterior>>();

export function runChainTask(task: ChainTask): ChainState {
  let lp = targets.get(task.job);
  if (lp === undefined) {
    lp = makeLogPosterior(task.spec);
    targets.set(task.job, lp);
  }
  const state = task.state ?? startChain(task.chain, task.spec.parameters.length, `calibrate/${String(task.spec.seed)}/${task.spec.name}`, lp);
  return advanceChain(state, task.until, task.spec.sampler, lp);
}

export default async function (task: ChainTask): Promise<ChainState> {
  return runChainTask(task);
}

// Public library entry of hashsim. Each module's index lists what it makes public.
export * as consensus from './consensus/index.ts';
export * as random from './random/index.ts';
export * as scenario from './scenario/index.ts';
export * as market from './market/index.ts';
export { HashsimError } from './errors.ts';
export type { Scenario, ScenarioInput } from './scenario/schema.ts';
export type { RunResult, MinerOutcome } from './engine/types.ts';
export * as sweep from './sweep/index.ts';
export { runSweep, loadSweepFile } from './sweep/index.ts';

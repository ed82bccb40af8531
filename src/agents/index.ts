// Miner agents: configuration schemas, struct-of-arrays state, economics, policies, strategies.
export * from './schema.ts';
export * as economics from './economics.ts';
export { BUILTIN_STRATEGIES, resolvePolicies } from './strategies.ts';
export { AgentState, buildAgentState, drawDist, STATUS_NAMES, type StartEconomics } from './state.ts';
export { NetworkSupply, paybackWithHalving, type SupplyWorld } from './supply.ts';
export { bandShare, costShareBelow, runningMeanCost } from './utilisation.ts';
export type { StrategyModule, StrategyContext, MinerView, CohortView } from './strategy-api.ts';

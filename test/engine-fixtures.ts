// Shared by the engine/agents tests: a small world on an explicit price path, so a test controls the
// price day by day, with expected-value rewards (no block luck) and every step sampled.
import { ScenarioSchema, type Scenario, type ScenarioInput } from '../src/scenario/schema.ts';

export function pathWorld(
  name: string,
  over: Partial<ScenarioInput>,
  prices: number[],
  horizonDays = prices.length,
  options: { fringe?: boolean } = {},
): Scenario {
  return ScenarioSchema.parse({
    name,
    start: { date: '2026-03-01', height: 953_567, bits: '0x170240c3' },
    horizonDays,
    price: { model: 'path', pricesUsd: prices, onShort: 'hold-last' },
    fees: { model: 'constant', btcPerBlock: 0.03 },
    // A fringe that never adapts (lag of ~forever) keeps the network, and so difficulty, steady.
    ...(options.fringe === false ? {} : { fringe: { hashrateEHs: 900, responsive: false } }),
    rewards: 'expected',
    output: { sampleEverySteps: 1 },
    ...over,
  });
}

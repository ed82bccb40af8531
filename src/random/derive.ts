import { RandomStream } from './stream.ts';

/** Identity of one stream: every field enters the seed key, so no two streams share draws. */
export interface StreamIdentity {
  /** Master seed of the batch (a user-given integer or string). */
  readonly seed: string | number;
  /** Scenario identity: its name, or the hash of its resolved content. */
  readonly scenario: string;
  /** Monte Carlo run index, 0-based. */
  readonly runIndex: number;
  /** Model component that owns the stream, e.g. "price", "fees", "blocks", "population". */
  readonly component: string;
}

/**
 * Key for an independent stream. Fields are length-prefixed so no two distinct identities can map
 * to the same key (e.g. scenario "a|1" run 2 vs scenario "a" run 12).
 */
export function streamKey(id: StreamIdentity): string {
  if (!Number.isInteger(id.runIndex) || id.runIndex < 0) {
    throw new RangeError(`runIndex must be a non-negative integer, got ${id.runIndex}`);
  }
  if (typeof id.seed === 'number' && !Number.isFinite(id.seed)) {
    throw new RangeError(`seed must be finite, got ${id.seed}`);
  }
  const parts = ['hashsim/v1', String(id.seed), id.scenario, String(id.runIndex), id.component];
  return parts.map((p) => `${p.length}:${p}`).join('|');
}

/**
 * The stream of one model component in one run. A result depends only on (seed, scenario, run
 * index): never on worker, order or time. Scenarios compared under common random numbers pass the
 * same `scenario` identity (see docs/MODEL.md, "Determinism").
 */
export function deriveStream(id: StreamIdentity): RandomStream {
  return new RandomStream(streamKey(id));
}

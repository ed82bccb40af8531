import { HashsimError } from '../errors.ts';

/** Shard i of n (0-based i). */
export interface Shard {
  readonly index: number;
  readonly count: number;
  /** Where the shard came from: "--shard", "SLURM_ARRAY_TASK_ID", ... */
  readonly source: string;
}

function intOf(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim())) throw new HashsimError(`${what}: expected a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value.trim());
}

function check(index: number, count: number, source: string): Shard {
  if (!Number.isSafeInteger(index) || index < 0) throw new HashsimError(`${source}: shard index must be a non-negative integer, got ${index}`);
  if (count < 1) throw new HashsimError(`${source}: shard count must be at least 1, got ${count}`);
  if (index >= count) throw new HashsimError(`${source}: shard index ${index} is not below the shard count ${count}`);
  return { index, count, source };
}

/** Parses `--shard i/n` (0-based i, 0 <= i < n). */
export function parseShardFlag(value: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!m) throw new HashsimError(`--shard: expected i/n with 0 <= i < n (e.g. --shard 0/4), got ${JSON.stringify(value)}`);
  return check(Number(m[1]), Number(m[2]), '--shard');
}

/**
 * The shard of this process from a job-array environment, or null. Recognised, first match wins:
 * - Slurm: SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT; index = TASK_ID - SLURM_ARRAY_TASK_MIN
 *   (so --array=1-4 works as well as --array=0-3).
 * - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX with the count from `countOverride`
 *   (`--shard-count`) or HASHSIM_SHARD_COUNT.
 * - AWS Batch array jobs: AWS_BATCH_JOB_ARRAY_INDEX, AWS_BATCH_JOB_ARRAY_SIZE.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv, countOverride?: number): Shard | null {
  const count = (name: string): number | undefined =>
    countOverride ?? (env.HASHSIM_SHARD_COUNT !== undefined ? intOf(env.HASHSIM_SHARD_COUNT, 'HASHSIM_SHARD_COUNT') : env[name] !== undefined ? intOf(env[name]!, name) : undefined);
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = intOf(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID');
    const min = env.SLURM_ARRAY_TASK_MIN !== undefined ? intOf(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN') : 0;
    const n = count('SLURM_ARRAY_TASK_COUNT');
    if (n === undefined) throw new HashsimError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (or pass --shard-count)');
    if (id < min) throw new HashsimError(`SLURM_ARRAY_TASK_ID: ${id} is below SLURM_ARRAY_TASK_MIN ${min}; expected a task id from the array's range`);
    return check(id - min, n, 'SLURM_ARRAY_TASK_ID');
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const id = intOf(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX');
    const n = countOverride ?? (env.HASHSIM_SHARD_COUNT !== undefined ? intOf(env.HASHSIM_SHARD_COUNT, 'HASHSIM_SHARD_COUNT') : undefined);
    if (n === undefined) throw new HashsimError('JOB_COMPLETION_INDEX is set: give the number of shards with --shard-count N or HASHSIM_SHARD_COUNT');
    return check(id, n, 'JOB_COMPLETION_INDEX');
  }
  if (env.AWS_BATCH_JOB_ARRAY_INDEX !== undefined) {
    const id = intOf(env.AWS_BATCH_JOB_ARRAY_INDEX, 'AWS_BATCH_JOB_ARRAY_INDEX');
    const n = count('AWS_BATCH_JOB_ARRAY_SIZE');
    if (n === undefined) throw new HashsimError('AWS_BATCH_JOB_ARRAY_INDEX is set but AWS_BATCH_JOB_ARRAY_SIZE is not (or pass --shard-count)');
    return check(id, n, 'AWS_BATCH_JOB_ARRAY_INDEX');
  }
  return null;
}

/** Contiguous block of run indexes of shard i of n: [floor(i N / n), floor((i + 1) N / n)). */
export function shardRange(runs: number, shard: { index: number; count: number } | null): { start: number; end: number } {
  if (!shard) return { start: 0, end: runs };
  return {
    start: Math.floor((shard.index * runs) / shard.count),
    end: Math.floor(((shard.index + 1) * runs) / shard.count),
  };
}

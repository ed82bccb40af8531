import cliProgress from 'cli-progress';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** Reports batch progress: a bar with ETA on a terminal, plain periodic lines otherwise, or nothing. */
export interface Progress {
  start(total: number, done: number): void;
  update(done: number): void;
  stop(): void;
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}

/** "runs 120/1000 (12%), 35.1 runs/s, ETA 25s" */
export function progressLine(done: number, total: number, executed: number, seconds: number, unit = 'runs'): string {
  const rate = seconds > 0 ? executed / seconds : 0;
  const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  return `${unit} ${done}/${total} (${pct}%), ${rate.toFixed(1)} ${unit}/s, ETA ${fmtSeconds(eta)}`;
}

/** `unit` names what is counted (runs, blocks of iterations, ...). */
export function createProgress(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr, intervalMs = 5000, unit = 'runs'): Progress {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'none') return { start() {}, update() {}, stop() {} };
  if (resolved === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${unit} |{bar}| {value}/{total} {percentage}% | ETA {eta_formatted} | {duration_formatted}`,
        etaBuffer: 50,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (total, done) => bar.start(total, done),
      update: (done) => bar.update(done),
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  let first = 0;
  let done = 0;
  let t0 = 0;
  let timer: NodeJS.Timeout | undefined;
  let firstSeen = false;
  const print = () => stream.write(`${progressLine(done, total, done - first, (performance.now() - t0) / 1000, unit)}\n`);
  return {
    start(t, d) {
      total = t;
      first = d;
      done = d;
      t0 = performance.now();
      timer = setInterval(print, intervalMs);
      timer.unref();
    },
    update(d) {
      if (!firstSeen && d > first) {
        firstSeen = true;
        // For `npm run bench` (bench/run.ts sets HASHSIM_TIMING=1): not shown to users.
        if (process.env.HASHSIM_TIMING !== '1') {
          done = d;
          return;
        }
        // performance.now() counts from process start: the time a user waits for the first result.
        stream.write(`first ${unit === 'runs' ? 'run' : unit.replace(/s$/, '')} finished after ${Math.round(performance.now())} ms\n`);
      }
      done = d;
    },
    stop() {
      if (timer) clearInterval(timer);
      print();
    },
  };
}

/** One phase of work after (or instead of) the runs: assembly, bands, charts, merge, sweep points. */
export interface PhaseTicker {
  /** `done` of the phase's `total` units are finished. */
  tick(done: number): void;
  /** The phase is over (prints its duration when it took long enough to have shown progress). */
  end(): void;
}

export interface PhaseReporter {
  start(label: string, total: number, unit: string): PhaseTicker;
}

/** Phases shorter than this print nothing; longer ones print progress with ETA at most every `intervalMs`. */
export const PHASE_QUIET_MS = 2000;

/**
 * Progress of phases: in `lines` (and `auto` off a terminal) a line such as
 * `charts 12/27 (44%), ETA 9s` at most every `intervalMs` once the phase has run PHASE_QUIET_MS,
 * and `charts: 27 in 21.4 s` at its end; on a terminal (`bar`) the same line rewritten in place;
 * `none` prints nothing. `now` is injectable for tests.
 */
export function createPhaseReporter(
  mode: ProgressMode,
  stream: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean } = process.stderr,
  intervalMs = 2000,
  now: () => number = () => performance.now(),
): PhaseReporter {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'none') return { start: () => ({ tick() {}, end() {} }) };
  const tty = resolved === 'bar';
  return {
    start(label, total, unit) {
      const t0 = now();
      let last = t0;
      let shown = false;
      let done = 0;
      const line = () => {
        const el = (now() - t0) / 1000;
        const eta = done > 0 ? (el * (total - done)) / done : Number.POSITIVE_INFINITY;
        const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
        return `${label} ${done}/${total} ${unit} (${pct}%), ETA ${fmtSeconds(eta)}`;
      };
      return {
        tick(d) {
          done = d;
          const t = now();
          if (t - t0 < PHASE_QUIET_MS || t - last < (shown ? intervalMs : 0)) return;
          last = t;
          shown = true;
          stream.write(tty ? `\r${line()}\x1b[K` : `${line()}\n`);
        },
        end() {
          const s = (now() - t0) / 1000;
          if (s * 1000 >= PHASE_QUIET_MS) stream.write(`${tty && shown ? '\r' : ''}${label}: ${total} ${unit} in ${s.toFixed(1)} s${tty ? '\x1b[K' : ''}\n`);
        },
      };
    },
  };
}

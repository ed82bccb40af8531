import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';
import { defaultPagePath, loadExplorePayload, serveExplorer, writeExplorePage } from '../../explore/index.ts';
import { parsePositiveInt } from './run.ts';

interface ExploreFlags {
  out?: string;
  serve?: boolean;
  port?: string;
  open: boolean;
  maxRuns?: string;
  maxPoints?: string;
  quiet?: boolean;
}

/** Opens a file or URL with the desktop's handler, if there is one; never fails the command. */
function openInBrowser(target: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '""', target] : [target];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener on this machine: the printed path is enough.
  }
}

/** Only where someone is looking: a terminal, and on Linux a graphical session. */
function canOpen(): boolean {
  if (!process.stdout.isTTY) return false;
  if (process.platform === 'linux') return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  return true;
}

/** `hashsim explore <DIR> [DIR2]`: the interactive explorer page of a set, a comparison or a sweep. */
export function register(program: Command): void {
  program
    .command('explore')
    .description('write an interactive, offline explorer page (cross-filter runs, individual paths, compare, sweep) and open it')
    .argument('<dirs...>', 'a result set, a compare folder or a sweep folder; or two result sets A B to compare')
    .option('--out <FILE>', 'page to write (default: <dir>/explore.html; with two sets: ./explore.html)')
    .option('--serve', 'serve the page on 127.0.0.1 instead of writing it (data not embedded: for sets too big for one file)')
    .option('--port <N>', 'port for --serve (default: any free port)')
    .option('--no-open', 'do not open the page in a browser')
    .option('--max-runs <N>', 'embed the series of at most N runs (a seeded sample; summaries of all runs are always embedded)')
    .option('--max-points <N>', 'at most N time points per series (default 120; sweeps 60)')
    .option('--quiet', 'print nothing but the path or URL')
    .action(async (dirs: string[], flags: ExploreFlags) => {
      if (dirs.length > 2) throw new HashsimError(`explore: expected one folder or two result sets, got ${dirs.length} arguments`, 2);
      if (flags.serve && flags.out) throw new HashsimError('explore: --out and --serve exclude each other (--serve writes no file)', 2);
      const maxRuns = flags.maxRuns !== undefined ? parsePositiveInt(flags.maxRuns, '--max-runs') : undefined;
      const maxPoints = flags.maxPoints !== undefined ? parsePositiveInt(flags.maxPoints, '--max-points') : undefined;
      if (maxPoints !== undefined && maxPoints < 2) throw new HashsimError('--max-points: expected at least 2', 2);
      let port: number | undefined;
      if (flags.port !== undefined) {
        if (!/^\d+$/.test(flags.port) || Number(flags.port) > 65535) throw new HashsimError(`--port: expected an integer 0..65535, got ${JSON.stringify(flags.port)}`, 2);
        port = Number(flags.port);
      }
      const payload = await loadExplorePayload(dirs, { ...(maxRuns !== undefined ? { maxRuns } : {}), ...(maxPoints !== undefined ? { maxPoints } : {}) });
      if (flags.serve) {
        const h = await serveExplorer(payload, port);
        process.stdout.write(`${h.url}\n`);
        if (!flags.quiet) process.stderr.write('serving on 127.0.0.1 only; Ctrl-C stops the server\n');
        if (flags.open && canOpen()) openInBrowser(h.url);
        await new Promise<void>((done) => {
          const stop = (): void => void h.close().then(done);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        return;
      }
      const path = flags.out ? resolve(flags.out) : defaultPagePath(dirs);
      const { bytes } = await writeExplorePage(payload, path);
      process.stdout.write(`${path}\n`);
      if (!flags.quiet) process.stderr.write(`explore: ${(bytes / 1e6).toFixed(1)} MB, works offline\n`);
      if (flags.open && canOpen()) openInBrowser(path);
    });
}

// One writer per output folder: `<out>/.hashsim.lock` holds the writer's pid and host, created
// exclusively. A second `hashsim run` into the same --out (even with --force) is refused while the
// first is alive; a lock left by a killed process (its pid gone on this host) is taken over.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { HashsimError } from '../errors.ts';

export const LOCK_FILE = '.hashsim.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock; resolves to its release. Throws a usage error (exit 2) when held by a live process. */
export async function lockFolder(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const me = `${process.pid} ${hostname()}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, me, { flag: 'wx' });
      return async () => {
        // Only our own lock is removed.
        const now = await readFile(path, 'utf8').catch(() => '');
        if (now === me) await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const text = await readFile(path, 'utf8').catch(() => '');
    const [pidText, host] = text.trim().split(' ');
    const pid = Number(pidText);
    if (Number.isSafeInteger(pid) && pid > 0 && (host !== hostname() || alive(pid))) {
      throw new HashsimError(
        `${dir}: another hashsim process (pid ${pid}${host && host !== hostname() ? ` on ${host}` : ''}) is writing there (${LOCK_FILE}); ` +
          `wait for it, or remove ${path} if that process is gone`,
      );
    }
    // Stale (the process is gone) or unreadable: take it over.
    await rm(path, { force: true });
  }
  throw new HashsimError(`${dir}: could not take the lock ${LOCK_FILE}`);
}

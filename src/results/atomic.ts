import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';

/**
 * Atomic file writes: data goes to `<path>.tmp-<pid>`, is fsync'd, then renamed over `path`, so a
 * reader (or a resumed batch) sees the old file or the whole new one, never a half-written one.
 * On failure the temporary file is removed (the batch spool also sweeps `*.tmp-*` on resume).
 */
export function tmpPathOf(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

/** Streams into `path` atomically: `fill` writes through the handle. */
export async function atomicWriteWith(path: string, fill: (fh: FileHandle) => Promise<void>): Promise<void> {
  const tmp = tmpPathOf(path);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fill(fh);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  await atomicWriteWith(path, (fh) => fh.writeFile(data));
}

/** Synchronous form, for callers outside async code. */
export function atomicWriteSync(path: string, data: string | Uint8Array): void {
  const tmp = tmpPathOf(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { atomicWrite } from '../results/atomic.ts';
import { buildExplorePage, explorePayloadJson } from './page.ts';
import type { ExplorePayload } from './data.ts';

/** explore.html inside the folder explored (a compare of two loose sets: the current folder). */
export function defaultPagePath(dirs: readonly string[]): string {
  if (dirs.length === 1) return join(resolve(dirs[0]!), 'explore.html');
  return resolve('explore.html');
}

/** Writes the self-contained page; returns its path and size in bytes. */
export async function writeExplorePage(payload: ExplorePayload, path: string): Promise<{ path: string; bytes: number }> {
  const html = buildExplorePage(payload);
  await atomicWrite(path, html);
  return { path, bytes: Buffer.byteLength(html) };
}

export interface ServeHandle {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Serves the page and its data on 127.0.0.1 only (never other interfaces: the data may be
 * private). The data is served as a separate JSON file, so no embedding limit applies.
 */
export async function serveExplorer(payload: ExplorePayload, port = 0): Promise<ServeHandle> {
  const html = buildExplorePage(payload, { embed: false });
  const json = explorePayloadJson(payload);
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
    } else if (url === '/' || url === '/explore.html') {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (url === '/explore-data.json') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(json);
    } else {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    server,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}


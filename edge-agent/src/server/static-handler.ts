import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { acceptedPrecompressed, cacheControlFor, contentTypeFor, PRECOMPRESSED, resolveStaticPath } from './static-files';

function notBuiltPage(what: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${what} not built</title></head>
<body><h1>The ${what} is not built</h1>
<p>The edge agent is running, but it has no ${what} to show. Build it with
<code>npm run build -w @kiosk/kiosk-ui</code> (or start the system with <code>npm start</code>), then reload.</p>
</body></html>
`;
}

/**
 * Serves one built app (the kiosk UI, or the demo's device panel) from one directory: files, client-route
 * fallback to index.html, never outside it. `pathname` is relative to where the app is mounted.
 */
export class StaticFiles {
  constructor(
    private readonly root: string,
    private readonly what = 'kiosk UI',
  ) {}

  async serve(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(response, 405, 'method not allowed', { allow: 'GET, HEAD' });
    }
    const root = await realpath(this.root).catch(() => null);
    const index = root === null ? null : await regularFile(path.join(root, 'index.html'));
    if (root === null || index === null) {
      response.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '10' });
      response.end(request.method === 'HEAD' ? undefined : notBuiltPage(this.what));
      return;
    }
    const target = resolveStaticPath(root, pathname);
    if (target.kind === 'refused') return plain(response, target.status, target.reason);

    const found = await regularFile(target.file);
    if (found !== null) {
      // A symlink inside the build must not lead outside it either.
      const real = await realpath(target.file);
      if (!real.startsWith(root + path.sep)) return plain(response, 403, 'outside the UI directory');
      return sendBest(request, response, root, real, found.size);
    }
    if (target.spaFallback) return sendBest(request, response, root, path.join(root, 'index.html'), index.size);
    return plain(response, 404, 'not found');
  }
}

async function regularFile(file: string): Promise<{ size: number } | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? { size: info.size } : null;
  } catch {
    return null;
  }
}

/**
 * Sends `file`, or the precompressed variant the build wrote next to it (`.br`, `.gz`; kiosk-ui's
 * vite.config.ts) when the browser accepts that coding: the kiosk's JS crosses the wire at a quarter of
 * its size without compressing on every request. `Vary` tells caches the answer depends on the request.
 */
async function sendBest(request: IncomingMessage, response: ServerResponse, root: string, file: string, size: number): Promise<void> {
  const hasVariants = (await Promise.all(PRECOMPRESSED.map((v) => regularFile(file + v.suffix)))).some((found) => found !== null);
  if (!hasVariants) return send(request, response, { file, body: file, size, vary: false });
  for (const variant of acceptedPrecompressed(request.headers['accept-encoding'])) {
    const compressed = await regularFile(file + variant.suffix);
    if (compressed === null) continue;
    const real = await realpath(file + variant.suffix);
    if (!real.startsWith(root + path.sep)) continue;
    return send(request, response, { file, body: real, size: compressed.size, coding: variant.coding, vary: true });
  }
  return send(request, response, { file, body: file, size, vary: true });
}

interface Answer {
  /** Names the content (its type, its caching). */
  file: string;
  /** What is read: the file itself or a precompressed variant of it. */
  body: string;
  size: number;
  /** The variant's Content-Encoding. */
  coding?: string;
  /** The file has variants, so the answer depends on the request's Accept-Encoding. */
  vary: boolean;
}

function send(request: IncomingMessage, response: ServerResponse, { file, body, size, coding, vary }: Answer): Promise<void> {
  response.writeHead(200, {
    'content-type': contentTypeFor(file),
    'content-length': size,
    'cache-control': cacheControlFor(file),
    'x-content-type-options': 'nosniff',
    ...(coding === undefined ? {} : { 'content-encoding': coding }),
    ...(vary ? { vary: 'accept-encoding' } : {}),
  });
  if (request.method === 'HEAD') {
    response.end();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const stream = createReadStream(body);
    stream.once('error', () => {
      response.destroy();
      resolve();
    });
    stream.once('end', resolve);
    stream.pipe(response);
  });
}

export function plain(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers });
  response.end(`${text}\n`);
}

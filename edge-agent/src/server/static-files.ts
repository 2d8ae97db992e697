import path from 'node:path';

export type StaticTarget =
  | { kind: 'file'; file: string; /** No extension: a client-side route, answered with index.html if missing. */ spaFallback: boolean }
  | { kind: 'refused'; status: 400 | 403; reason: string };

/**
 * Pure: maps a request path (still percent-encoded, no query) to a file under `root`, or refuses it.
 * Parent segments, backslashes, NUL bytes and hidden files are refused outright instead of being
 * normalised away, so `/%2e%2e/etc/passwd` is a 403, not a quiet redirect to somewhere else.
 */
export function resolveStaticPath(root: string, rawPath: string): StaticTarget {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'refused', status: 400, reason: 'bad percent-encoding' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0')) return { kind: 'refused', status: 400, reason: 'bad path' };
  if (decoded.includes('\\')) return { kind: 'refused', status: 403, reason: 'backslash in path' };
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..')) return { kind: 'refused', status: 403, reason: 'parent directory' };
  if (segments.some((segment) => segment.startsWith('.'))) return { kind: 'refused', status: 403, reason: 'hidden file' };

  const wantsDirectory = segments.length === 0 || decoded.endsWith('/');
  const relative = wantsDirectory ? [...segments, 'index.html'].join('/') : segments.join('/');
  const base = path.resolve(root);
  const file = path.resolve(base, relative);
  // Belt and braces: whatever the checks above missed, nothing outside the root is ever served.
  if (!file.startsWith(base + path.sep)) return { kind: 'refused', status: 403, reason: 'outside the UI directory' };
  const last = segments[segments.length - 1] ?? '';
  return { kind: 'file', file, spaFallback: !wantsDirectory && path.extname(last) === '' };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.pdf': 'application/pdf',
};

/** Content codings the build writes next to a file (`app.js.br`, `app.js.gz`), best first. */
export const PRECOMPRESSED = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
] as const;
export type Precompressed = (typeof PRECOMPRESSED)[number];

/**
 * Pure: the precompressed variants a request's `Accept-Encoding` allows, best first (brotli, then gzip).
 * A coding is accepted when named (or `*`) with a non-zero q; `identity` is always left as the fallback.
 */
export function acceptedPrecompressed(acceptEncoding: string | undefined): Precompressed[] {
  if (acceptEncoding === undefined) return [];
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (name === '') continue;
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const accepted = (coding: string) => (weights.get(coding) ?? weights.get('*') ?? 0) > 0;
  return PRECOMPRESSED.filter((variant) => accepted(variant.coding));
}

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Hashed build assets never change under the same name; the HTML that names them must always be fresh. */
export function cacheControlFor(file: string): string {
  if (file.endsWith('.html')) return 'no-cache';
  return file.split(path.sep).includes('assets') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600';
}

/**
 * DNS-rebinding guard: the UI server listens on loopback only, but a page from elsewhere could still
 * resolve its own name to 127.0.0.1. Only requests addressed to a loopback name are answered.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

/** Browser origins allowed to open the `/ui` socket: pages served from loopback (this server or a dev server). */
export function isLoopbackOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && isLoopbackHost(url.host);
  } catch {
    return false;
  }
}

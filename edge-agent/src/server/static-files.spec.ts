import path from 'node:path';
import { cacheControlFor, contentTypeFor, isLoopbackHost, isLoopbackOrigin, resolveStaticPath } from './static-files';

const root = '/srv/ui';

describe('resolveStaticPath', () => {
  it('maps the root and directories to index.html', () => {
    expect(resolveStaticPath(root, '/')).toEqual({ kind: 'file', file: '/srv/ui/index.html', spaFallback: false });
    expect(resolveStaticPath(root, '/help/')).toEqual({ kind: 'file', file: '/srv/ui/help/index.html', spaFallback: false });
  });

  it('maps files, decoding percent-escapes, and marks extensionless paths as client routes', () => {
    expect(resolveStaticPath(root, '/assets/app-1a2b.js')).toEqual({ kind: 'file', file: '/srv/ui/assets/app-1a2b.js', spaFallback: false });
    expect(resolveStaticPath(root, '/fonts/Noto%20Sans.woff2')).toMatchObject({ file: '/srv/ui/fonts/Noto Sans.woff2' });
    expect(resolveStaticPath(root, '/certificates/confirm')).toEqual({
      kind: 'file',
      file: '/srv/ui/certificates/confirm',
      spaFallback: true,
    });
    expect(resolveStaticPath(root, '//double//slash.css')).toMatchObject({ file: '/srv/ui/double/slash.css' });
  });

  it.each([
    ['/../etc/passwd', 403],
    ['/assets/../../etc/passwd', 403],
    ['/%2e%2e/etc/passwd', 403],
    ['/%2E%2E%2Fetc%2Fpasswd', 403],
    ['/assets/%2e%2e/%2e%2e/secret', 403],
    ['/..%5c..%5cwindows', 403],
    ['/.env', 403],
    ['/assets/.git/config', 403],
    ['/index.html%00.js', 400],
    ['/%E0%A4%A', 400],
    ['relative/path', 400],
  ])('refuses %s with %i', (requested, status) => {
    expect(resolveStaticPath(root, requested)).toMatchObject({ kind: 'refused', status });
  });

  it('never resolves outside the root, for any path', () => {
    for (const requested of ['/a/b/c', '/x.js', '/%2fetc%2fpasswd', '/a%2f..%2f..%2fb']) {
      const target = resolveStaticPath(root, requested);
      if (target.kind === 'file') expect(target.file.startsWith(root + path.sep)).toBe(true);
    }
  });
});

describe('content types and caching', () => {
  it('names the common web types and falls back to octet-stream', () => {
    expect(contentTypeFor('/srv/ui/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('/srv/ui/assets/app.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('/srv/ui/assets/app.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('/srv/ui/icon.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('/srv/ui/f.woff2')).toBe('font/woff2');
    expect(contentTypeFor('/srv/ui/blob.bin')).toBe('application/octet-stream');
  });

  it('keeps HTML fresh and hashed assets immutable', () => {
    expect(cacheControlFor('/srv/ui/index.html')).toBe('no-cache');
    expect(cacheControlFor('/srv/ui/assets/app-1a2b.js')).toContain('immutable');
    expect(cacheControlFor('/srv/ui/favicon.ico')).toBe('public, max-age=3600');
  });
});

describe('loopback guards', () => {
  it('accepts only loopback host names', () => {
    expect(isLoopbackHost('127.0.0.1:7401')).toBe(true);
    expect(isLoopbackHost('localhost:7401')).toBe(true);
    expect(isLoopbackHost('[::1]:7401')).toBe(true);
    expect(isLoopbackHost('evil.example:7401')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.evil.example')).toBe(false);
    expect(isLoopbackHost(undefined)).toBe(false);
  });

  it('accepts loopback origins and no origin (non-browser clients)', () => {
    expect(isLoopbackOrigin(undefined)).toBe(true);
    expect(isLoopbackOrigin('http://127.0.0.1:7401')).toBe(true);
    expect(isLoopbackOrigin('http://localhost:5173')).toBe(true);
    expect(isLoopbackOrigin('https://evil.example')).toBe(false);
    expect(isLoopbackOrigin('null')).toBe(false);
  });
});

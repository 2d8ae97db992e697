import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { acceptedPrecompressed } from './static-files';
import { StaticFiles } from './static-handler';

/** The raw answer: headers and the bytes as sent (nothing decoded on the way, unlike fetch). */
function get(port: number, pathname: string, acceptEncoding?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: pathname, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('StaticFiles: precompressed variants (issue 17)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'static-files-'));
  const script = `export const greeting = ${JSON.stringify('こんにちは '.repeat(200))};\n`;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><script type="module" src="./assets/app-1a2b.js"></script>');
    writeFileSync(path.join(root, 'assets', 'app-1a2b.js'), script);
    writeFileSync(path.join(root, 'assets', 'app-1a2b.js.br'), brotliCompressSync(script));
    writeFileSync(path.join(root, 'assets', 'app-1a2b.js.gz'), gzipSync(script));
    writeFileSync(path.join(root, 'assets', 'plain.css'), 'body { color: black }');
    const files = new StaticFiles(root);
    server = createServer((req, res) => void files.serve(req, res, new URL(req.url ?? '/', 'http://127.0.0.1').pathname));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });

  it('answers Accept-Encoding: br with the brotli file, its length, the JS type and Vary', async () => {
    const answer = await get(port, '/assets/app-1a2b.js', 'gzip, deflate, br');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.headers['vary']).toBe('accept-encoding');
    expect(answer.headers['cache-control']).toContain('immutable');
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    expect(answer.body.length).toBeLessThan(Buffer.byteLength(script) / 4);
    expect(brotliDecompressSync(answer.body).toString('utf8')).toBe(script);
  });

  it('falls back to gzip, then to the plain file, as the browser accepts', async () => {
    const gzip = await get(port, '/assets/app-1a2b.js', 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString('utf8')).toBe(script);
    const refusedBrotli = await get(port, '/assets/app-1a2b.js', 'br;q=0, gzip;q=0.5');
    expect(refusedBrotli.headers['content-encoding']).toBe('gzip');
    for (const none of [undefined, 'identity', 'br;q=0, gzip;q=0']) {
      const plain = await get(port, '/assets/app-1a2b.js', none);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers['vary']).toBe('accept-encoding');
      expect(plain.body.toString('utf8')).toBe(script);
    }
  });

  it('serves files without variants as they are, with no Vary', async () => {
    const css = await get(port, '/assets/plain.css', 'br');
    expect(css.headers['content-encoding']).toBeUndefined();
    expect(css.headers['vary']).toBeUndefined();
    expect(css.body.toString('utf8')).toBe('body { color: black }');
  });
});

describe('acceptedPrecompressed', () => {
  it('orders brotli before gzip and honours q=0 and *', () => {
    expect(acceptedPrecompressed('gzip, br').map((v) => v.coding)).toEqual(['br', 'gzip']);
    expect(acceptedPrecompressed('GZIP;q=0.8').map((v) => v.coding)).toEqual(['gzip']);
    expect(acceptedPrecompressed('*').map((v) => v.coding)).toEqual(['br', 'gzip']);
    expect(acceptedPrecompressed('*, br;q=0').map((v) => v.coding)).toEqual(['gzip']);
    expect(acceptedPrecompressed('identity')).toEqual([]);
    expect(acceptedPrecompressed(undefined)).toEqual([]);
    expect(acceptedPrecompressed('br;q=abc')).toEqual([]);
  });
});

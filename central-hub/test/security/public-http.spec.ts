/**
 * Issue 15, finding 9 (parts): the hub's public HTTP face against a stranger. A body over the limit is
 * 413 with the structured error (no stack, nothing logged as a hub failure); verification lookups and
 * enrolment attempts that fail are rate limited per address (429); the console and every answer carry
 * security headers, the console a content security policy that forbids framing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TestHub } from '../support/test-hub';
import { enrolKiosk } from '../support/agent-client';

jest.setTimeout(60_000);

describe('public HTTP limits and headers', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start();
    const consoleDir = path.join(hub.dir, 'console-build');
    mkdirSync(consoleDir, { recursive: true });
    writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    await hub.stop();
    await hub.listen({
      config: {
        consoleDir,
        limits: { preAuthSocketBytes: 16 * 1024, preAuthConnectsPerAddress: 30, preAuthConnectWindowMs: 10_000, verifyPerMinute: 10, failedEnrolmentsPerHour: 5 },
      },
    });
  });

  afterAll(async () => {
    await hub.close();
  });

  it('answers a body over the limit with 413 and the structured error, not 500 with a stack', async () => {
    const response = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'x', password: 'y'.repeat(200 * 1024) }),
    });
    expect(response.status).toBe(413);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ ok: false, error: { code: 'invalid_message', message: 'request body too large' } });
    expect(text).not.toMatch(/\bat .*\.js:\d+/);
    expect(hub.logs.find('request failed')).toBeUndefined();
  });

  it('limits certificate verification lookups per address: 429 past the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await fetch(`${hub.url}/api/verify/NOPE-${i}`)).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const page = await fetch(`${hub.url}/verify/NOPE`);
    expect(page.status).toBe(429);
    expect(await page.json()).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('limits failed enrolments per address (429, the code no longer looked at), never successful ones', async () => {
    for (let i = 0; i < 3; i++) await enrolKiosk(hub);
    const attempt = (code: string) => hub.api('POST', '/api/kiosks/enrol', { code, publicKey: 'A'.repeat(60) }, null);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt(`GUESS-${i}-AAAA-BBBB`)).status);
    expect(statuses.slice(0, 5).every((s) => s !== 429 && s >= 400)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('sends security headers, and a CSP forbidding framing on the console', async () => {
    const console = await fetch(`${hub.url}/console/`);
    expect(console.status).toBe(200);
    const csp = console.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(console.headers.get('x-frame-options')).toBe('DENY');
    expect(console.headers.get('x-content-type-options')).toBe('nosniff');
    const health = await fetch(`${hub.url}/health`);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('x-powered-by')).toBeNull();
  });
});

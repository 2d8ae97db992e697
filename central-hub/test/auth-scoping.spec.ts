/**
 * Technician accounts against a real hub: sign-in and sessions (expiry, logout), failed-login
 * locking per account and per address, and what each role of each municipality may see and do, over
 * REST and over the `/console` socket. A refused attempt to act is audited.
 */
import { readFileSync } from 'node:fs';
import { AuditPageSchema, KioskSummarySchema, LoginResponseSchema } from '@kiosk/protocols';
import { FLEET_SWEEP } from '../src/services/sweep.service';
import { ConsoleClient } from './support/console-client';
import { ManualClock } from './support/manual-clock';
import { ManualScheduler } from './support/manual-scheduler';
import { TestHub } from './support/test-hub';
import { enrolKiosk, type EnrolledKiosk } from './support/agent-client';

const LOCK_MS = 15 * 60_000;
const SESSION_MS = 60 * 60_000;

describe('technicians: sessions, locking, role and municipality scoping', () => {
  const clock = new ManualClock(new Date());
  const scheduler = new ManualScheduler();
  let hub: TestHub;
  let toyonaka: EnrolledKiosk;
  let suita: EnrolledKiosk;
  const tokens: Record<string, string> = {};
  const consoles: ConsoleClient[] = [];

  beforeAll(async () => {
    hub = await TestHub.start({
      overrides: { clock, scheduler },
      config: {
        auth: { sessionTtlMs: SESSION_MS, maxFailuresPerAccount: 5, maxFailuresPerAddress: 12, lockMs: LOCK_MS, demoAdmin: true },
      },
    });
    toyonaka = await enrolKiosk(hub, { municipality: '豊中市', site: '豊島体育館' });
    suita = await enrolKiosk(hub, { municipality: '吹田市', site: '吹田市役所' });
    for (const [username, role, municipality] of [
      ['viewer-t', 'viewer', '豊中市'],
      ['tech-t', 'technician', '豊中市'],
      ['tech-s', 'technician', '吹田市'],
      ['admin-t', 'administrator', '豊中市'],
    ] as const) {
      tokens[username] = await hub.login(username, await hub.createUser(username, role, municipality));
    }
  });

  afterAll(async () => {
    for (const client of consoles) client.close();
    await hub.close();
  });

  async function consoleAs(username: string): Promise<ConsoleClient> {
    const client = await ConsoleClient.connect(hub.url, tokens[username]);
    consoles.push(client);
    return client;
  }

  const as = (username: string) => ({
    get: (route: string) => hub.api('GET', route, undefined, tokens[username] ?? null),
    post: (route: string, body: unknown) => hub.api('POST', route, body, tokens[username] ?? null),
  });

  describe('sign-in', () => {
    it('logs in the demo administrator printed at start-up, and answers /me', async () => {
      const demo = hub.logs.find('demo administrator created');
      expect(demo).toMatchObject({ username: 'admin', file: expect.any(String) as string });
      expect(demo).not.toHaveProperty('password');
      const kept = JSON.parse(readFileSync(String(demo?.file), 'utf8')) as { username: string; password: string };
      expect(hub.logs.text()).not.toContain(kept.password);
      const response = await hub.api('POST', '/api/auth/login', { username: 'admin', password: kept.password }, null);
      const login = LoginResponseSchema.parse(response.body);
      expect(login.user).toMatchObject({ username: 'admin', role: 'administrator', municipality: null });
      expect(login.expiresAt).toBe(new Date(clock.now().getTime() + SESSION_MS).toISOString());
      expect((await hub.api('GET', '/api/auth/me', undefined, login.token)).body).toMatchObject({ user: { username: 'admin' } });
      // Neither the password nor the session token is ever logged.
      expect(hub.logs.text()).not.toContain(login.token);
      expect(hub.logs.lines.filter((l) => l.msg === 'demo administrator created')).toHaveLength(1);
    });

    it('keeps only hashes: no password or token is stored as such', async () => {
      const stored = await hub.value<string>('SELECT password_hash FROM users WHERE username = ?', 'tech-t');
      expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
      expect(stored).not.toContain('tech-t-password-1');
      expect(await hub.count('SELECT count(*) FROM sessions WHERE token_hash = ?', tokens['tech-t'])).toBe(0);
    });

    it('refuses wrong credentials with the same answer for unknown users, and audits both', async () => {
      const wrong = await hub.api('POST', '/api/auth/login', { username: 'tech-t', password: 'nope' }, null);
      const unknown = await hub.api('POST', '/api/auth/login', { username: 'nobody', password: 'nope' }, null);
      expect(wrong).toEqual({ status: 401, body: { ok: false, error: { code: 'unauthorized', message: 'wrong username or password' } } });
      expect(unknown).toEqual(wrong);
      expect(await hub.count("SELECT count(*) FROM audit_log WHERE action = 'auth.login' AND outcome = 'refused' AND actor = 'tech-t'")).toBeGreaterThanOrEqual(1);
      expect(await hub.count("SELECT count(*) FROM audit_log WHERE action = 'auth.login' AND outcome = 'refused' AND actor = '(unknown user)'")).toBeGreaterThanOrEqual(1);
      expect(hub.logs.text()).not.toContain('"nope"');
    });

    it('locks an account after 5 failures, even for the right password, until the lock passes', async () => {
      const password = await hub.createUser('locked-t', 'technician', '豊中市');
      for (let i = 0; i < 5; i++) {
        expect((await hub.api('POST', '/api/auth/login', { username: 'locked-t', password: 'wrong' }, null)).status).toBe(401);
      }
      const locked = await hub.api('POST', '/api/auth/login', { username: 'locked-t', password }, null);
      expect(locked).toMatchObject({ status: 429, body: { ok: false, error: { code: 'rate_limited' } } });
      expect(await hub.count("SELECT count(*) FROM audit_log WHERE actor = 'locked-t' AND detail_json LIKE '%\"reason\":\"locked\"%'")).toBe(1);
      clock.advance(LOCK_MS);
      expect(await hub.login('locked-t', password)).toEqual(expect.any(String));
    });

    it('locks a client address trying many accounts', async () => {
      // 12 per address; the failures above from this address count too, until the window passes.
      clock.advance(LOCK_MS);
      for (let i = 0; i < 12; i++) {
        expect((await hub.api('POST', '/api/auth/login', { username: `guess-${i}`, password: 'wrong' }, null)).status).toBe(401);
      }
      const locked = await hub.api('POST', '/api/auth/login', { username: 'tech-t', password: 'tech-t-password-1' }, null);
      expect(locked.status).toBe(429);
      clock.advance(LOCK_MS);
      expect(await hub.login('tech-t', 'tech-t-password-1')).toEqual(expect.any(String));
    });

    it('ends a session on logout (REST and its live console), and on expiry (the sweep disconnects it)', async () => {
      const token = await hub.login('viewer-t', 'viewer-t-password-1');
      const client = await ConsoleClient.connect(hub.url, token);
      consoles.push(client);
      expect((await hub.api('POST', '/api/auth/logout', undefined, token)).status).toBe(204);
      expect(await client.waitFor('session.ended')).toEqual({ reason: 'logged-out' });
      expect((await hub.api('GET', '/api/auth/me', undefined, token)).status).toBe(401);
      await expect(ConsoleClient.connect(hub.url, token)).rejects.toMatchObject({ refusal: { code: 'not_authenticated' } });

      const expiring = await hub.login('viewer-t', 'viewer-t-password-1');
      const live = await ConsoleClient.connect(hub.url, expiring);
      consoles.push(live);
      clock.advance(SESSION_MS);
      await scheduler.run(FLEET_SWEEP);
      expect(await live.waitFor('session.ended')).toEqual({ reason: 'expired' });
      expect((await hub.api('GET', '/api/kiosks', undefined, expiring)).status).toBe(401);
      // Every token above was minted before these clock moves: sign everyone in again.
      for (const username of Object.keys(tokens)) tokens[username] = await hub.login(username, `${username}-password-1`);
    });

    it('refuses a console without a token or with a made-up one', async () => {
      await expect(ConsoleClient.connect(hub.url, undefined)).rejects.toMatchObject({ refusal: { code: 'not_authenticated' } });
      await expect(ConsoleClient.connect(hub.url, 'made-up-token')).rejects.toMatchObject({ refusal: { code: 'not_authenticated' } });
      expect(hub.logs.find('console handshake refused', { code: 'not_authenticated' })).toBeDefined();
    });
  });

  describe('REST scoping', () => {
    it('shows each municipality its own kiosks; the bootstrap token and all-municipality admins see all', async () => {
      const ids = async (username: string | null, route = '/api/kiosks') => {
        const { status, body } = await hub.api('GET', route, undefined, username === null ? hub.hub.adminToken : (tokens[username] ?? null));
        expect(status).toBe(200);
        return (body as unknown[]).map((k) => KioskSummarySchema.parse(k).kioskId).sort();
      };
      expect(await ids('viewer-t')).toEqual([toyonaka.kioskId]);
      expect(await ids('tech-s')).toEqual([suita.kioskId]);
      expect(await ids(null)).toEqual([toyonaka.kioskId, suita.kioskId].sort());
      expect(await ids(null, '/api/kiosks?municipality=%E5%90%B9%E7%94%B0%E5%B8%82')).toEqual([suita.kioskId]);
      expect(await ids(null, '/api/kiosks?status=offline')).toEqual([toyonaka.kioskId, suita.kioskId].sort());
      expect(await ids(null, '/api/kiosks?status=online')).toEqual([]);
      expect((await as('viewer-t').get('/api/kiosks?status=sleeping')).status).toBe(400);
      expect((await as('tech-s').get(`/api/kiosks/${toyonaka.kioskId}`)).status).toBe(404);
      expect((await as('tech-s').get(`/api/kiosks/${toyonaka.kioskId}/commands`)).status).toBe(404);
      expect((await as('tech-t').get(`/api/kiosks/${toyonaka.kioskId}`)).status).toBe(200);
    });

    it('refuses a viewer’s command (403) and another municipality’s technician (404), audits both, queues nothing', async () => {
      const viewer = await as('viewer-t').post(`/api/kiosks/${toyonaka.kioskId}/commands`, { type: 'ping', params: {} });
      expect(viewer).toMatchObject({ status: 403, body: { ok: false, error: { code: 'forbidden' } } });
      const foreign = await as('tech-s').post(`/api/kiosks/${toyonaka.kioskId}/commands`, { type: 'ping', params: {} });
      expect(foreign).toMatchObject({ status: 404, body: { ok: false, error: { code: 'not_found' } } });
      expect(await hub.count('SELECT count(*) FROM commands WHERE kiosk_id = ?', toyonaka.kioskId)).toBe(0);
      const refusals = await hub.rows<{ actor: string; detail_json: string }>(
        "SELECT actor, detail_json FROM audit_log WHERE action = 'command.sent' AND outcome = 'refused' AND kiosk_id = ? ORDER BY seq",
        toyonaka.kioskId,
      );
      expect(refusals.map((r) => [r.actor, (JSON.parse(r.detail_json) as { reason: string }).reason])).toEqual([
        ['viewer-t', 'role'],
        ['tech-s', 'municipality'],
      ]);
      const own = await as('tech-t').post(`/api/kiosks/${toyonaka.kioskId}/commands`, { type: 'ping', params: {} });
      expect(own.status).toBe(201);
    });

    it('lets only administrators create enrolment codes, each for their own municipality', async () => {
      const request = (municipality: string) => ({ name: 'n', municipality, site: 's', kind: 'street-terminal' });
      expect((await as('tech-t').post('/api/enrolment-codes', request('豊中市'))).status).toBe(403);
      expect((await as('admin-t').post('/api/enrolment-codes', request('吹田市'))).status).toBe(403);
      expect((await as('admin-t').post('/api/enrolment-codes', request('豊中市'))).status).toBe(201);
      expect((await hub.api('POST', '/api/enrolment-codes', request('吹田市'), null)).status).toBe(401);
      expect(await hub.count("SELECT count(*) FROM audit_log WHERE action = 'enrolment-code.created' AND outcome = 'refused'")).toBe(2);
    });

    it('keeps accounts and the audit trail to administrators, within their scope', async () => {
      expect((await as('tech-t').get('/api/audit')).status).toBe(403);
      expect((await as('tech-t').post('/api/users', { username: 'x-user', password: 'long-enough-password', role: 'viewer', municipality: '豊中市' })).status).toBe(403);
      expect((await as('admin-t').post('/api/users', { username: 'x-user', password: 'long-enough-password', role: 'viewer', municipality: '吹田市' })).status).toBe(403);
      expect((await as('admin-t').post('/api/users', { username: 'x-user', password: 'long-enough-password', role: 'viewer', municipality: '豊中市' })).status).toBe(201);
      const listed = (await as('admin-t').get('/api/users')).body as { username: string; municipality: string | null }[];
      expect(listed.every((u) => u.municipality === '豊中市')).toBe(true);
      expect(listed.map((u) => u.username)).toEqual(expect.arrayContaining(['admin-t', 'tech-t', 'viewer-t', 'x-user']));
      expect(listed.map((u) => u.username)).not.toContain('tech-s');
      const page = AuditPageSchema.parse((await as('admin-t').get('/api/audit?limit=200')).body);
      expect(page.entries.length).toBeGreaterThan(0);
      expect(page.entries.every((e) => e.municipality === '豊中市')).toBe(true);
    });
  });

  describe('console scoping', () => {
    it('lists and pushes only the municipality’s kiosks', async () => {
      const suitaTech = await consoleAs('tech-s');
      const listed = await suitaTech.request('kiosks.list');
      expect(listed.map((k) => k.kioskId)).toEqual([suita.kioskId]);
      const filtered = await suitaTech.request('fleet.kiosks', { municipality: '豊中市' });
      expect(filtered).toEqual({ ok: true, kiosks: [] });
      const detail = await suitaTech.request('kiosk.detail', { kioskId: toyonaka.kioskId });
      expect(detail).toMatchObject({ ok: false, error: { code: 'not_found' } });

      // A change to a Toyonaka kiosk reaches Toyonaka's console, never Suita's.
      const toyonakaTech = await consoleAs('tech-t');
      await as('admin-t').post('/api/enrolment-codes', { name: 'new', municipality: '豊中市', site: 's', kind: 'street-terminal' });
      await toyonakaTech.waitFor('kiosk.updated', (k) => k.name === 'new');
      expect(suitaTech.received('kiosk.updated')).toEqual([]);
    });

    it('rejects a viewer’s command over the socket, audits it, and shows administrators the refusal live', async () => {
      const admin = await consoleAs('admin-t');
      const viewer = await consoleAs('viewer-t');
      const refused = await viewer.request('command.send', { kioskId: toyonaka.kioskId, type: 'device.test-print', params: { deviceId: 'receipt-printer' } });
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const audited = await admin.waitFor('audit.appended', (e) => e.actor === 'viewer-t' && e.action === 'command.sent');
      expect(audited).toMatchObject({ outcome: 'refused', kioskId: toyonaka.kioskId, detail: { reason: 'role', type: 'device.test-print' } });
      expect(await hub.count("SELECT count(*) FROM commands WHERE kiosk_id = ? AND type = 'device.test-print'", toyonaka.kioskId)).toBe(0);

      // A technician's goes through, and is pushed as a queued command.
      const tech = await consoleAs('tech-t');
      const sent = await tech.request('command.send', { kioskId: toyonaka.kioskId, type: 'device.test-print', params: { deviceId: 'receipt-printer' } });
      if (!sent.ok) throw new Error(sent.error.message);
      expect(await tech.waitFor('command.updated', (c) => c.commandId === sent.commandId)).toMatchObject({ status: 'queued', issuedBy: 'tech-t' });
      expect(await admin.waitFor('audit.appended', (e) => e.target === sent.commandId)).toMatchObject({ action: 'command.sent', outcome: 'ok' });
      expect(viewer.received('audit.appended')).toEqual([]);
    });

    it('answers malformed and unknown requests with a structured failure', async () => {
      const tech = await consoleAs('tech-t');
      expect(await tech.raw('alert.ack', { alertId: 'x', comment: '' })).toMatchObject({
        ok: false,
        error: { code: 'invalid_message', issues: expect.arrayContaining([expect.objectContaining({ path: 'alertId' })]) as unknown },
      });
      const unknown = await tech.raw('kiosks.delete', {});
      expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
      expect(await tech.request('audit.page', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await tech.request('session.me')).toEqual({ ok: true, user: { userId: expect.any(String) as string, username: 'tech-t', role: 'technician', municipality: '豊中市' } });
    });
  });
});

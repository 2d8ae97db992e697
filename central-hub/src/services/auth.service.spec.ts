import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { AuditEntry } from '@kiosk/protocols';
import { parseConfig } from '../config';
import { ManualClock } from '../../test/support/manual-clock';
import { silentLogger } from '../../test/support/silent-logger';
import { strictMock } from '../../test/support/strict-mock';
import type { AuditDraft } from '../repositories/audit.sql';
import type { LoginThrottleRepository } from '../repositories/login-throttle.repository';
import type { Metrics } from '../repositories/metrics.repository';
import type { Random } from '../repositories/random.repository';
import type { SessionRepository } from '../repositories/session.repository';
import type { UserRecord, UserRepository } from '../repositories/user.repository';
import type { WebsocketRepository } from '../repositories/websocket.repository';
import { AdminAuthService } from './admin-auth.service';
import type { AuditService } from './audit.service';
import { AuthService } from './auth.service';
import { hashToken } from './session-token.rules';
import { hashPassword } from './password.rules';
import type { UserService } from './user.service';

const NOW = '2026-11-26T01:00:00.000Z';
const draft = { action: 'auth.login' } as AuditDraft;

describe('AuthService', () => {
  const config = parseConfig({ HUB_LOGIN_MAX_FAILURES: '2' }, { repoRoot: '/r' });
  const admin = new AdminAuthService('the-bootstrap-admin-token');
  let user: UserRecord;
  let users: ReturnType<typeof strictMock<UserRepository>>;
  let sessions: ReturnType<typeof strictMock<SessionRepository>>;
  let throttle: ReturnType<typeof strictMock<LoginThrottleRepository>>;
  let accounts: ReturnType<typeof strictMock<UserService>>;
  let audit: ReturnType<typeof strictMock<AuditService>>;
  let sockets: ReturnType<typeof strictMock<WebsocketRepository>>;
  let metrics: ReturnType<typeof strictMock<Metrics>>;
  let random: ReturnType<typeof strictMock<Random>>;
  let service: AuthService;

  beforeAll(async () => {
    user = {
      userId: '019abcde-f012-7345-8678-9abcdef01234',
      username: 'tanaka',
      passwordHash: await hashPassword('right password', Buffer.alloc(16, 1), { N: 1024, r: 8, p: 1, keyLength: 32 }),
      role: 'technician',
      municipality: '豊中市',
      createdAt: NOW,
    };
  });

  beforeEach(() => {
    users = strictMock<UserRepository>('UserRepository');
    sessions = strictMock<SessionRepository>('SessionRepository');
    throttle = strictMock<LoginThrottleRepository>('LoginThrottleRepository');
    accounts = strictMock<UserService>('UserService');
    audit = strictMock<AuditService>('AuditService');
    sockets = strictMock<WebsocketRepository>('WebsocketRepository');
    metrics = strictMock<Metrics>('Metrics');
    random = strictMock<Random>('Random');
    service = new AuthService(users, sessions, throttle, admin, accounts, audit, sockets, metrics, new ManualClock(NOW), random, config, silentLogger());
    audit.systemDraft.mockReturnValue(draft);
    audit.record.mockResolvedValue({ seq: 1 } as AuditEntry);
    metrics.login.mockReturnValue(undefined);
  });

  it('signs in: a random token, stored only as its hash, expiring after the session time; audited', async () => {
    throttle.reserve.mockResolvedValue({ allowed: true, lockedUntilMs: 0 });
    users.findByUsername.mockResolvedValue(user);
    throttle.reset.mockResolvedValue(undefined);
    throttle.release.mockResolvedValue(undefined);
    random.bytes.mockReturnValue(Buffer.alloc(32, 9));
    sessions.create.mockResolvedValue(undefined);

    const response = await service.login({ username: ' Tanaka ', password: 'right password' }, '10.0.0.5');
    expect(response).toEqual({
      token: Buffer.alloc(32, 9).toString('base64url'),
      expiresAt: '2026-11-26T09:00:00.000Z',
      user: { userId: user.userId, username: 'tanaka', role: 'technician', municipality: '豊中市' },
    });
    expect(sessions.create).toHaveBeenCalledWith({ tokenHash: hashToken(response.token), userId: user.userId, createdAt: NOW, expiresAt: response.expiresAt });
    expect(throttle.reset).toHaveBeenCalledWith('user:tanaka');
    expect(throttle.release).toHaveBeenCalledWith('addr:10.0.0.5', expect.objectContaining({ maxFailures: config.auth.maxFailuresPerAddress }));
    expect(audit.systemDraft).toHaveBeenCalledWith({ actor: 'tanaka', actorKind: 'user' }, expect.objectContaining({ action: 'auth.login', outcome: 'ok' }));
  });

  it('reserves a try on the account and the address before checking the password; a wrong one keeps both', async () => {
    const nowMs = Date.parse(NOW);
    throttle.reserve.mockResolvedValueOnce({ allowed: true, lockedUntilMs: nowMs + config.auth.lockMs }).mockResolvedValueOnce({ allowed: true, lockedUntilMs: 0 });
    users.findByUsername.mockResolvedValue(user);

    await expect(service.login({ username: 'tanaka', password: 'wrong' }, '10.0.0.5')).rejects.toMatchObject({ code: 'unauthorized' });
    expect(throttle.reserve).toHaveBeenCalledWith('user:tanaka', nowMs, { maxFailures: 2, windowMs: config.auth.lockMs, lockMs: config.auth.lockMs });
    expect(throttle.reserve).toHaveBeenCalledWith('addr:10.0.0.5', nowMs, expect.objectContaining({ maxFailures: config.auth.maxFailuresPerAddress }));
    expect(audit.systemDraft).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ detail: { reason: 'bad-credentials', address: '10.0.0.5', locked: true } }));
    expect(sessions.create).not.toHaveBeenCalled();
  });

  it('refuses a locked account without checking the password or counting the address', async () => {
    throttle.reserve.mockResolvedValue({ allowed: false });
    users.findByUsername.mockResolvedValue(user);
    await expect(service.login({ username: 'tanaka', password: 'right password' }, '10.0.0.5')).rejects.toMatchObject({ code: 'rate_limited' });
    expect(audit.systemDraft).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ outcome: 'refused', detail: { reason: 'locked', address: '10.0.0.5' } }));
    expect(throttle.reserve).toHaveBeenCalledTimes(1);
  });

  it('refuses a locked address and gives the account its try back', async () => {
    throttle.reserve.mockResolvedValueOnce({ allowed: true, lockedUntilMs: 0 }).mockResolvedValueOnce({ allowed: false });
    throttle.release.mockResolvedValue(undefined);
    users.findByUsername.mockResolvedValue(user);
    await expect(service.login({ username: 'tanaka', password: 'right password' }, '10.0.0.5')).rejects.toMatchObject({ code: 'rate_limited' });
    expect(throttle.release).toHaveBeenCalledWith('user:tanaka', expect.objectContaining({ maxFailures: 2 }));
  });

  it('answers an unknown user exactly like a wrong password, and names no one in the audit', async () => {
    throttle.reserve.mockResolvedValue({ allowed: true, lockedUntilMs: 0 });
    users.findByUsername.mockResolvedValue(undefined);
    random.bytes.mockReturnValue(Buffer.alloc(16, 3));
    await expect(service.login({ username: 'my-secret-password', password: 'x' }, '10.0.0.5')).rejects.toMatchObject({
      code: 'unauthorized',
      failure: { error: { message: 'wrong username or password' } },
    });
    expect(audit.systemDraft).toHaveBeenCalledWith({ actor: '(unknown user)', actorKind: 'user' }, expect.anything());
  });

  it('authenticates the bootstrap token as an all-municipality administrator, and live sessions as their user', async () => {
    expect(await service.authenticate('the-bootstrap-admin-token')).toMatchObject({ kind: 'token', role: 'administrator', municipality: null });
    sessions.findLive.mockResolvedValue({ tokenHash: hashToken('t'), expiresAt: '2026-11-26T09:00:00.000Z', userId: user.userId, username: 'tanaka', role: 'technician', municipality: '豊中市' });
    expect(await service.authenticate('t')).toMatchObject({ kind: 'user', username: 'tanaka', sessionHash: hashToken('t') });
    expect(sessions.findLive).toHaveBeenCalledWith(hashToken('t'), NOW);
    sessions.findLive.mockResolvedValue(undefined);
    expect(await service.authenticate('expired')).toBeUndefined();
    expect(await service.authenticate(undefined)).toBeUndefined();
  });

  it('creates no demo administrator by default (issue 15)', async () => {
    await service.onApplicationBootstrap();
    expect(accounts.createDemoAdministrator).not.toHaveBeenCalled();
  });

  it('with HUB_DEMO_ADMIN=1, creates the demo administrator only when there is no account, its password in a 0600 file and never logged', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'auth-demo-admin-'));
    try {
      const lines: string[] = [];
      const demoConfig = parseConfig({ HUB_DEMO_ADMIN: '1', HUB_DATA_DIR: dataDir }, { repoRoot: '/r' });
      const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(line); } });
      const demo = new AuthService(users, sessions, throttle, admin, accounts, audit, sockets, metrics, new ManualClock(NOW), random, demoConfig, logger);
      users.count.mockResolvedValueOnce(0).mockResolvedValueOnce(1);
      random.bytes.mockReturnValue(Buffer.alloc(12, 5));
      accounts.createDemoAdministrator.mockResolvedValue(true);
      await demo.onApplicationBootstrap();
      await demo.onApplicationBootstrap();
      const password = Buffer.alloc(12, 5).toString('base64url');
      expect(accounts.createDemoAdministrator).toHaveBeenCalledTimes(1);
      expect(accounts.createDemoAdministrator).toHaveBeenCalledWith('admin', password);
      const file = path.join(dataDir, 'demo-admin.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ username: 'admin', password });
      expect(lines.join('')).toContain('demo administrator created');
      expect(lines.join('')).not.toContain(password);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

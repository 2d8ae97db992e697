import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { LoginRequest, LoginResponse, SessionEnded } from '@kiosk/protocols';
import { HUB_CONFIG, type HubConfig } from '../config';
import { rateLimited, unauthorized } from '../errors';
import { LOGGER, type Logger } from '../logger';
import { CLOCK, type Clock } from '../repositories/clock.repository';
import { saveDemoAdmin } from '../repositories/demo-admin-file';
import { LOGIN_THROTTLE_REPOSITORY, type LoginThrottleRepository } from '../repositories/login-throttle.repository';
import { METRICS, type Metrics } from '../repositories/metrics.repository';
import { RANDOM, type Random } from '../repositories/random.repository';
import { SESSION_REPOSITORY, type SessionRepository } from '../repositories/session.repository';
import { USER_REPOSITORY, type UserRepository } from '../repositories/user.repository';
import { WebsocketRepository } from '../repositories/websocket.repository';
import { BOOTSTRAP_PRINCIPAL, userView, type Principal } from './access.rules';
import { AdminAuthService } from './admin-auth.service';
import { AuditService } from './audit.service';
import { lockedAfter, type ThrottlePolicy } from './login-throttle.rules';
import { SALT_BYTES, hashPassword, verifyPassword } from './password.rules';
import { hashToken, newSessionToken } from './session-token.rules';
import { UserService } from './user.service';

/** Attempted usernames are not trusted to be usernames (a password typed in the wrong field). */
const UNKNOWN_ACTOR = '(unknown user)';

/**
 * Technician sign-in: scrypt-checked passwords, random session tokens stored hashed, expiry, and
 * failed-login throttling per account and per client address. Every attempt is audited; neither a
 * password nor a token is ever logged — except, once, the demo administrator's generated password.
 */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly log: Logger;
  private readonly accountPolicy: ThrottlePolicy;
  private readonly addressPolicy: ThrottlePolicy;
  /** Checked when the username is unknown, so that case takes as long as a wrong password. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(LOGIN_THROTTLE_REPOSITORY) private readonly throttle: LoginThrottleRepository,
    @Inject(AdminAuthService) private readonly admin: AdminAuthService,
    @Inject(UserService) private readonly accounts: UserService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(WebsocketRepository) private readonly sockets: WebsocketRepository,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'auth' });
    const { maxFailuresPerAccount, maxFailuresPerAddress, lockMs } = config.auth;
    this.accountPolicy = { maxFailures: maxFailuresPerAccount, windowMs: lockMs, lockMs };
    this.addressPolicy = { maxFailures: maxFailuresPerAddress, windowMs: lockMs, lockMs };
  }

  /**
   * First start of a demo, only with HUB_DEMO_ADMIN=1 (`npm start` sets it; off by default): with no
   * account at all, creates `admin` (all municipalities) with a random password kept in
   * `<dataDir>/demo-admin.json` (0600). The password is never logged (issue 15). In production accounts
   * are created with the admin token.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.auth.demoAdmin || (await this.users.count()) > 0) return;
    const password = this.random.bytes(12).toString('base64url');
    const created = await this.accounts.createDemoAdministrator('admin', password);
    if (!created) return;
    const file = saveDemoAdmin(this.config.dataDir, { username: 'admin', password });
    this.log.info({ username: 'admin', file }, 'demo administrator created');
  }

  async login(request: LoginRequest, address: string): Promise<LoginResponse> {
    const now = this.clock.now();
    const nowMs = now.getTime();
    const username = request.username.trim().toLowerCase();
    // Every name gets a counter, known or not, so locking does not tell which accounts exist.
    const accountKey = `user:${username}`;
    const addressKey = `addr:${address}`;
    // Both tries are reserved (atomically) before the password is checked, so a burst of concurrent
    // attempts cannot all pass the check on one stale count (login-throttle.rules.ts).
    const account = await this.throttle.reserve(accountKey, nowMs, this.accountPolicy);
    const fromAddress = account.allowed ? await this.throttle.reserve(addressKey, nowMs, this.addressPolicy) : ({ allowed: false } as const);
    const user = await this.users.findByUsername(username);
    const actor = { actor: user ? user.username : UNKNOWN_ACTOR, actorKind: 'user' as const };
    const municipality = user?.municipality ?? null;

    if (!account.allowed || !fromAddress.allowed) {
      // The account's try was never evaluated: it is given back.
      if (account.allowed) await this.throttle.release(accountKey, this.accountPolicy);
      this.metrics.login('locked');
      this.log.warn({ code: 'rate_limited', address }, 'login refused: locked');
      await this.audit.record(this.audit.systemDraft(actor, { action: 'auth.login', outcome: 'refused', municipality, detail: { reason: 'locked', address } }));
      throw rateLimited('too many failed logins; try again later');
    }

    const valid = user ? await verifyPassword(request.password, user.passwordHash) : (await verifyPassword(request.password, await this.decoy())) && false;
    if (!user || !valid) {
      // The reserved tries stand as failures.
      const locked = lockedAfter(account, nowMs) || lockedAfter(fromAddress, nowMs);
      this.metrics.login('refused');
      this.log.warn({ code: 'unauthorized', address, locked }, 'login refused');
      await this.audit.record(
        this.audit.systemDraft(actor, { action: 'auth.login', outcome: 'refused', municipality, detail: { reason: 'bad-credentials', address, locked } }),
      );
      throw unauthorized('wrong username or password');
    }

    await this.throttle.reset(accountKey);
    await this.throttle.release(addressKey, this.addressPolicy);
    const token = newSessionToken(this.random);
    const expiresAt = new Date(nowMs + this.config.auth.sessionTtlMs).toISOString();
    await this.sessions.create({ tokenHash: hashToken(token), userId: user.userId, createdAt: now.toISOString(), expiresAt });
    this.metrics.login('ok');
    this.log.info({ username: user.username, role: user.role }, 'technician logged in');
    await this.audit.record(this.audit.systemDraft(actor, { action: 'auth.login', outcome: 'ok', municipality, detail: { address } }));
    return { token, expiresAt, user: { userId: user.userId, username: user.username, role: user.role, municipality: user.municipality } };
  }

  /** Ends the session and every console connected with it. The admin token has no session to end. */
  async logout(principal: Principal): Promise<void> {
    if (principal.sessionHash === null) return;
    const sessionHash = principal.sessionHash;
    await this.sessions.delete(sessionHash);
    this.sockets.endConsoles((p) => p.sessionHash === sessionHash, { reason: 'logged-out' });
    this.log.info({ username: principal.username }, 'technician logged out');
    await this.audit.record(this.audit.draft(principal, { action: 'auth.logout', outcome: 'ok', municipality: principal.municipality }));
  }

  /** The principal a bearer token stands for: the admin token, or a live session. */
  async authenticate(token: string | undefined): Promise<Principal | undefined> {
    if (token === undefined || token.length === 0 || token.length > 512) return undefined;
    if (this.admin.isAdminToken(token)) return BOOTSTRAP_PRINCIPAL;
    const session = await this.sessions.findLive(hashToken(token), this.clock.now().toISOString());
    if (!session) return undefined;
    return {
      kind: 'user',
      userId: session.userId,
      username: session.username,
      role: session.role,
      municipality: session.municipality,
      sessionHash: session.tokenHash,
      expiresAt: session.expiresAt,
    };
  }

  /** Sweep: deletes expired sessions and disconnects the consoles still using them. */
  async endExpiredSessions(): Promise<void> {
    const now = this.clock.now().toISOString();
    await this.sessions.deleteExpired(now);
    const ended = this.sockets.endConsoles((p) => p.expiresAt !== null && p.expiresAt <= now, { reason: 'expired' });
    if (ended > 0) this.log.info({ consoles: ended }, 'expired console sessions ended');
  }

  /**
   * The principal as the store has it now: the same one while its session lasts unchanged; else why it
   * ended (expired; ended elsewhere, e.g. a logout on another hub process or the account deleted; or the
   * account's role, municipality or name changed, which needs a new sign-in). The admin token never ends.
   */
  async recheck(principal: Principal): Promise<Principal | SessionEnded> {
    if (principal.sessionHash === null) return principal;
    const now = this.clock.now().toISOString();
    if (principal.expiresAt !== null && principal.expiresAt <= now) return { reason: 'expired' };
    const session = await this.sessions.findLive(principal.sessionHash, now);
    if (!session) return { reason: 'logged-out' };
    const unchanged = session.userId === principal.userId && session.username === principal.username && session.role === principal.role && session.municipality === principal.municipality;
    return unchanged ? principal : { reason: 'expired' };
  }

  /**
   * Ends every live console whose session has ended, however it ended (expiry, logout elsewhere, account
   * changed or deleted); run every second (sweep.service.ts), so a console does not outlive its session.
   */
  async endRevokedConsoles(): Promise<number> {
    let ended = 0;
    for (const principal of this.sockets.consolePrincipals()) {
      const current = await this.recheck(principal);
      if ('reason' in current) ended += this.sockets.endConsoles((p) => p.sessionHash === principal.sessionHash, current);
    }
    if (ended > 0) this.log.info({ consoles: ended }, 'consoles of ended sessions disconnected');
    return ended;
  }

  me(principal: Principal) {
    return userView(principal);
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword(this.random.bytes(16).toString('base64url'), this.random.bytes(SALT_BYTES));
    return this.decoyHash;
  }
}

import {
  AlertSchema,
  AuditEntrySchema,
  CONSOLE_NAMESPACE,
  consoleToHubSchemas,
  failure,
  KioskDetailSchema,
  KioskSummarySchema,
  LoginRequestSchema,
  type Alert,
  type AuditEntry,
  type ConsoleToHubEvents,
  type FleetOverview,
  type HubToConsoleEvents,
  type KioskDetail,
  type KioskSummary,
  type LoginResponse,
  type Role,
  type UserView,
} from '@kiosk/protocols';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Namespace } from 'socket.io';
import { AuthClient, SignInError } from '../src/console/auth-client';
import { ConsoleController, type ConsoleSessionSink, type SignInStatus, type SignOutNotice } from '../src/console/console-controller';
import { ConsoleData, type AckOutcome, type AuditState, type CommandOutcome, type ConsoleDataSink, type DetailState } from '../src/console/console-data';
import { consoleSocket, HubLink, type HubLinkState } from '../src/console/hub-link';
import type { Route } from '../src/console/routes';
import { SESSION_KEY, SessionStore, type KeyValueStore, type Session } from '../src/console/session';
import { ProblemLog } from '../src/shared/background';
import { browserClock, browserTimers } from '../src/shared/timers';
import { eventually, startServer } from './support';

/**
 * The console's session and data against real loopback servers: an HTTP server answering the hub's
 * `/api/auth/*` and a socket.io `/console` namespace that, like the hub, refuses a connection without
 * a known token, parses every request with the protocol's schemas and pushes what changed.
 */

const kioskId = 'toyonaka-001';

function kiosk(overrides: Partial<KioskSummary> = {}): KioskSummary {
  return KioskSummarySchema.parse({
    kioskId,
    name: '豊中市役所 1号機',
    municipality: '豊中市',
    site: '本庁舎',
    kind: 'certificate-kiosk',
    enrolled: true,
    online: true,
    lastHeartbeatAt: '2024-06-01T12:00:00Z',
    outboxBacklog: 0,
    agentVersion: '0.1.0',
    outOfService: false,
    devices: [{ deviceId: 'receipt-printer', kind: 'receipt-printer', status: 'ok', reasons: [], since: '2024-06-01T12:00:00Z' }],
    status: 'online',
    statusSince: '2024-06-01T11:00:00Z',
    activeAlerts: [],
    ...overrides,
  });
}

function alert(n: number, overrides: Partial<Alert> = {}): Alert {
  return AlertSchema.parse({
    alertId: `01a215c0-0000-7000-8000-${n.toString(16).padStart(12, '0')}`,
    kioskId,
    municipality: '豊中市',
    site: '本庁舎',
    kind: 'paper-out',
    severity: 'critical',
    deviceId: 'receipt-printer',
    message: 'paper out',
    state: 'open',
    openedAt: '2024-06-01T12:00:00Z',
    clearedAt: null,
    flaps: 0,
    acknowledgedAt: null,
    acknowledgedBy: null,
    ackComment: null,
    resolvedAt: null,
    ...overrides,
  });
}

function auditEntry(seq: number): AuditEntry {
  return AuditEntrySchema.parse({
    seq,
    at: '2024-06-01T12:00:00Z',
    actor: 'tech1',
    actorKind: 'user',
    action: 'command.sent',
    outcome: 'ok',
    municipality: '豊中市',
    kioskId,
    target: null,
    detail: {},
    prevHash: '0'.repeat(64),
    hash: seq.toString(16).padStart(64, 'a'),
  });
}

const overview: FleetOverview = {
  counts: { online: 1, degraded: 0, offline: 0, 'out-of-service': 0 },
  total: 1,
  pendingEnrolment: 0,
  alerts: { open: 1, acknowledged: 0 },
  municipalities: [],
};

/** Everything the console shows, as plain fields. */
class Screen implements ConsoleSessionSink, ConsoleDataSink {
  session_: Session | null = null;
  notice: SignOutNotice | null = null;
  signInStatus: SignInStatus = { pending: false, error: null };
  linkState: HubLinkState = 'connecting';
  kiosks_: KioskSummary[] = [];
  overview_: FleetOverview | null = null;
  alerts_: Alert[] = [];
  detail_: DetailState = { status: 'idle' };
  audit_: AuditState = { status: 'idle' };
  ack: AckOutcome | null = null;
  command: CommandOutcome | null = null;
  session(session: Session | null, notice: SignOutNotice | null): void {
    this.session_ = session;
    this.notice = notice;
  }
  signIn(status: SignInStatus): void {
    this.signInStatus = status;
  }
  link(state: HubLinkState): void {
    this.linkState = state;
  }
  route(_route: Route): void {}
  kiosks(kiosks: KioskSummary[]): void {
    this.kiosks_ = kiosks;
  }
  overview(value: FleetOverview | null): void {
    this.overview_ = value;
  }
  alerts(alerts: Alert[]): void {
    this.alerts_ = alerts;
  }
  detail(detail: DetailState): void {
    this.detail_ = detail;
  }
  audit(audit: AuditState): void {
    this.audit_ = audit;
  }
  ackOutcome(outcome: AckOutcome | null): void {
    this.ack = outcome;
  }
  commandOutcome(outcome: CommandOutcome | null): void {
    this.command = outcome;
  }
}

class MapStorage implements KeyValueStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** The hub's auth REST API: one account per role, passwords checked, tokens handed out. */
async function startAuthServer(tokens: Map<string, UserView>): Promise<{ url: string; logins: number; close(): Promise<void>; lockAll: boolean; http: HttpServer }> {
  const state = { url: '', logins: 0, lockAll: false, http: createServer(), close: async () => {} };
  const users: Record<string, Role> = { viewer1: 'viewer', tech1: 'technician', admin: 'administrator' };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const send = (status: number, body?: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (request.url === '/api/auth/login' && request.method === 'POST') {
      state.logins += 1;
      if (state.lockAll) return send(429, failure('rate_limited', 'locked'));
      const parsed = LoginRequestSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
      if (!parsed.success) return send(400, failure('invalid_message', 'malformed'));
      const role = users[parsed.data.username];
      if (role === undefined || parsed.data.password !== 'correct-horse-battery') return send(401, failure('unauthorized', 'wrong username or password'));
      const token = `token-${parsed.data.username}-${state.logins}`;
      const user: UserView = { userId: '01a215c0-0000-7000-8000-0000000000aa', username: parsed.data.username, role, municipality: '豊中市' };
      tokens.set(token, user);
      const body: LoginResponse = { token, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), user };
      return send(200, body);
    }
    if (request.url === '/api/auth/logout' && request.method === 'POST') {
      const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (!tokens.delete(token)) return send(401, failure('unauthorized', 'no session'));
      return send(204);
    }
    send(404, failure('not_found', 'no route'));
  };
  state.http.on('request', (request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  state.http.listen(0, '127.0.0.1');
  await once(state.http, 'listening');
  state.url = `http://127.0.0.1:${(state.http.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => state.http.close(() => resolve()));
  return state;
}

describe('console session ⇄ loopback hub', () => {
  let socketServer: Awaited<ReturnType<typeof startServer>>;
  let auth: Awaited<ReturnType<typeof startAuthServer>>;
  let ns: Namespace<ConsoleToHubEvents, HubToConsoleEvents>;
  const tokens = new Map<string, UserView>();
  let storage: MapStorage;
  let screen: Screen;
  let problems: ProblemLog;
  let controller: ConsoleController;
  let links: HubLink[];
  let received: { event: string; payload: unknown }[];
  let detailAnswer: (ack: (result: { ok: true; detail: KioskDetail }) => void) => void;

  beforeEach(async () => {
    socketServer = await startServer();
    auth = await startAuthServer(tokens);
    ns = socketServer.io.of(CONSOLE_NAMESPACE);
    received = [];
    detailAnswer = (ack) =>
      ack({ ok: true, detail: KioskDetailSchema.parse({ kiosk: kiosk(), statusHistory: [], telemetry: [], alerts: [alert(1)], commands: [] }) });
    ns.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      if (typeof token !== 'string' || !tokens.has(token)) {
        const error = new Error('session unknown or expired') as Error & { data: unknown };
        error.data = failure('not_authenticated', 'session unknown or expired');
        return next(error);
      }
      socket.data = { user: tokens.get(token) };
      next();
    });
    ns.on('connection', (socket) => {
      const user = (socket.data as { user: UserView }).user;
      const refusedForViewer = () => failure('forbidden', 'a viewer cannot do this');
      socket.on('kiosks.list', (ack) => ack([kiosk()]));
      socket.on('session.me', (ack) => ack({ ok: true, user }));
      socket.on('fleet.overview', (ack) => ack({ ok: true, overview }));
      socket.on('alerts.list', (query, ack) => {
        received.push({ event: 'alerts.list', payload: consoleToHubSchemas['alerts.list'].parse(query) });
        ack({ ok: true, alerts: query.state === 'resolved' ? [] : [alert(1)] });
      });
      socket.on('kiosk.detail', (request, ack) => {
        received.push({ event: 'kiosk.detail', payload: consoleToHubSchemas['kiosk.detail'].parse(request) });
        detailAnswer(ack);
      });
      socket.on('alert.ack', (request, ack) => {
        const parsed = consoleToHubSchemas['alert.ack'].parse(request);
        received.push({ event: 'alert.ack', payload: parsed });
        if (user.role === 'viewer') return ack(refusedForViewer());
        ack({ ok: true, alert: alert(1, { state: 'acknowledged', acknowledgedAt: '2024-06-01T12:05:00Z', acknowledgedBy: user.username, ackComment: parsed.comment }) });
      });
      socket.on('command.send', (request, ack) => {
        received.push({ event: 'command.send', payload: consoleToHubSchemas['command.send'].parse(request) });
        if (user.role === 'viewer') return ack(refusedForViewer());
        ack({ ok: true, commandId: '01a215c0-0000-7000-8000-0000000000c1' });
      });
      socket.on('audit.page', (query, ack) => {
        const parsed = consoleToHubSchemas['audit.page'].parse(query);
        received.push({ event: 'audit.page', payload: parsed });
        const before = parsed.before ?? 8;
        const entries = [before - 1, before - 2, before - 3].filter((seq) => seq > 0).map(auditEntry);
        ack({ ok: true, page: { entries, nextBefore: before - 3 > 1 ? before - 3 : null } });
      });
    });
    storage = new MapStorage();
    screen = new Screen();
    problems = new ProblemLog();
    links = [];
    const data = new ConsoleData(screen, problems.report, browserTimers, browserClock);
    controller = new ConsoleController({
      auth: new AuthClient((input, init) => fetch(input, init), auth.url),
      sessions: new SessionStore(storage, browserClock),
      connect: (token, events) => {
        const link = new HubLink(consoleSocket(`${socketServer.url}${CONSOLE_NAMESPACE}`, { token }), events, problems.report, browserTimers, 2000, 100, 100);
        links.push(link);
        return link;
      },
      data,
      sink: screen,
      timers: browserTimers,
      clock: browserClock,
      report: problems.report,
    });
  });

  afterEach(async () => {
    controller.signOut();
    for (const link of links) link.stop();
    await socketServer.close();
    await auth.close();
    tokens.clear();
  });

  async function signIn(username: string): Promise<void> {
    controller.start({ page: 'fleet', filter: {} });
    controller.signIn(username, 'correct-horse-battery');
    await eventually(() => expect(screen.linkState).toBe('up'));
    await eventually(() => expect(screen.kiosks_).toHaveLength(1));
  }

  it('signs in, keeps the session in storage, and loads the fleet over the authenticated socket', async () => {
    controller.start({ page: 'fleet', filter: {} });
    expect(screen.session_).toBeNull();
    controller.signIn('tech1', 'correct-horse-battery');
    expect(screen.signInStatus.pending).toBe(true);
    await eventually(() => expect(screen.linkState).toBe('up'));
    expect(screen.session_?.user.username).toBe('tech1');
    expect(JSON.parse(storage.items.get(SESSION_KEY) ?? 'null')).toMatchObject({ user: { username: 'tech1' } });
    await eventually(() => expect(screen.kiosks_.map((k) => k.kioskId)).toEqual([kioskId]));
    await eventually(() => expect(screen.overview_).toEqual(overview));
    await eventually(() => expect(screen.alerts_.map((a) => a.state)).toEqual(['open']));
    expect(received).toContainEqual({ event: 'alerts.list', payload: { state: 'active' } });
  });

  it('shows why a sign-in failed and keeps nothing', async () => {
    controller.start({ page: 'fleet', filter: {} });
    controller.signIn('tech1', 'wrong password');
    await eventually(() => expect(screen.signInStatus).toEqual({ pending: false, error: 'bad-credentials' }));
    auth.lockAll = true;
    controller.signIn('tech1', 'correct-horse-battery');
    await eventually(() => expect(screen.signInStatus).toEqual({ pending: false, error: 'rate-limited' }));
    expect(screen.session_).toBeNull();
    expect(storage.items.size).toBe(0);
    expect(links).toHaveLength(0);
  });

  it('refuses empty fields without asking the hub, and reports an unreachable hub as a network problem', async () => {
    await expect(new AuthClient((input, init) => fetch(input, init), auth.url).login('  ', 'x')).rejects.toMatchObject({ reason: 'missing' });
    expect(auth.logins).toBe(0);
    await auth.close();
    await expect(new AuthClient((input, init) => fetch(input, init), auth.url, 2000).login('tech1', 'x')).rejects.toBeInstanceOf(SignInError);
    await expect(new AuthClient((input, init) => fetch(input, init), auth.url, 2000).login('tech1', 'x')).rejects.toMatchObject({ reason: 'network' });
  });

  it('resumes a stored session after a reload without signing in again', async () => {
    await signIn('tech1');
    const saved = storage.items.get(SESSION_KEY);
    for (const link of links) link.stop();
    // A new page: a new controller over the same storage.
    const again = new Screen();
    const reloaded = new ConsoleController({
      auth: new AuthClient((input, init) => fetch(input, init), auth.url),
      sessions: new SessionStore(storage, browserClock),
      connect: (token, events) => {
        const link = new HubLink(consoleSocket(`${socketServer.url}${CONSOLE_NAMESPACE}`, { token }), events, problems.report, browserTimers, 2000, 100, 100);
        links.push(link);
        return link;
      },
      data: new ConsoleData(again, problems.report, browserTimers, browserClock),
      sink: again,
      timers: browserTimers,
      clock: browserClock,
      report: problems.report,
    });
    reloaded.start({ page: 'fleet', filter: {} });
    expect(again.session_?.token).toBe(JSON.parse(saved ?? 'null').token);
    await eventually(() => expect(again.kiosks_).toHaveLength(1));
    expect(auth.logins).toBe(1);
    // Ends its link and its expiry timer.
    reloaded.signOut();
  });

  it('goes back to sign-in with "expired" when the hub ends the session, and does not reconnect', async () => {
    await signIn('tech1');
    ns.emit('session.ended', { reason: 'expired' });
    ns.disconnectSockets(true);
    await eventually(() => expect(screen.session_).toBeNull());
    expect(screen.notice).toBe('expired');
    expect(storage.items.size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(ns.sockets.size).toBe(0);
  });

  it('goes back to sign-in when the hub no longer accepts the stored token', async () => {
    await signIn('tech1');
    tokens.clear();
    ns.disconnectSockets(true);
    // The link rejoins after the hub hung up; the handshake is refused: the session is over.
    await eventually(() => expect(screen.session_).toBeNull());
    expect(screen.notice).toBe('expired');
  });

  it('signs out: the hub forgets the token and the console shows "signed out"', async () => {
    await signIn('tech1');
    const token = screen.session_?.token ?? '';
    controller.signOut();
    expect(screen.session_).toBeNull();
    expect(screen.notice).toBe('logged-out');
    await eventually(() => expect(tokens.has(token)).toBe(false));
    await eventually(() => expect(ns.sockets.size).toBe(0));
  });

  it('applies live pushes: a kiosk going offline, a new alert, the overview', async () => {
    await signIn('tech1');
    ns.emit('kiosk.updated', kiosk({ online: false, status: 'offline', activeAlerts: ['kiosk-offline'] }));
    ns.emit('alert.updated', alert(2, { kind: 'kiosk-offline', deviceId: null }));
    ns.emit('fleet.overview', { ...overview, counts: { ...overview.counts, online: 0, offline: 1 } });
    await eventually(() => expect(screen.kiosks_[0]?.status).toBe('offline'));
    await eventually(() => expect(screen.alerts_.map((a) => a.kind).sort()).toEqual(['kiosk-offline', 'paper-out']));
    await eventually(() => expect(screen.overview_?.counts.offline).toBe(1));
  });

  it('acknowledges with the comment and shows the acknowledged alert; an empty comment is not sent', async () => {
    await signIn('tech1');
    const alertId = alert(1).alertId;
    expect(controller.data.acknowledge(alertId, '   ')).toBe(false);
    expect(screen.ack).toEqual({ alertId, progress: 'failed', reason: { key: 'console.alert.commentRequired' } });
    expect(controller.data.acknowledge(alertId, '用紙を補充します')).toBe(true);
    await eventually(() => expect(screen.ack?.progress).toBe('done'));
    expect(received).toContainEqual({ event: 'alert.ack', payload: { alertId, comment: '用紙を補充します' } });
    expect(received.filter((r) => r.event === 'alert.ack')).toHaveLength(1);
    expect(screen.alerts_.find((a) => a.alertId === alertId)).toMatchObject({ state: 'acknowledged', ackComment: '用紙を補充します' });
  });

  it('shows a viewer’s refused command as "not allowed"', async () => {
    await signIn('viewer1');
    controller.data.sendCommand(kioskId, { type: 'device.test-print', params: { deviceId: 'receipt-printer' } });
    await eventually(() => expect(screen.command).toMatchObject({ label: 'device.test-print', progress: 'failed', reason: { key: 'console.error.forbidden' } }));
    expect(received).toContainEqual({
      event: 'command.send',
      payload: { kioskId, type: 'device.test-print', params: { deviceId: 'receipt-printer' } },
    });
  });

  it('loads a kiosk page and keeps it live; pushes that cross the fetch are not lost', async () => {
    await signIn('tech1');
    detailAnswer = (ack) => {
      // The alert is acknowledged on the hub while its (older) detail is on the way.
      ns.emit('alert.updated', alert(1, { state: 'acknowledged', acknowledgedAt: '2024-06-01T12:05:00Z', acknowledgedBy: 'tech2', ackComment: 'ok' }));
      setTimeout(() => ack({ ok: true, detail: KioskDetailSchema.parse({ kiosk: kiosk(), statusHistory: [], telemetry: [], alerts: [alert(1)], commands: [] }) }), 100);
    };
    controller.navigate({ page: 'kiosk', kioskId });
    expect(screen.detail_).toEqual({ status: 'loading', kioskId });
    await eventually(() => expect(screen.detail_.status).toBe('ready'));
    const ready = () => (screen.detail_.status === 'ready' ? screen.detail_.detail : null);
    expect(ready()?.alerts[0]?.state).toBe('acknowledged');

    ns.emit('command.updated', {
      commandId: '01a215c0-0000-7000-8000-0000000000c1',
      kioskId,
      type: 'ping',
      params: {},
      issuedAt: '2024-06-01T12:10:00Z',
      expiresAt: '2024-06-02T12:10:00Z',
      issuedBy: 'tech1',
      status: 'succeeded',
      deliveredAt: '2024-06-01T12:10:01Z',
      completedAt: '2024-06-01T12:10:02Z',
      detail: 'pong',
    });
    await eventually(() => expect(ready()?.commands.map((c) => c.status)).toEqual(['succeeded']));
  });

  it('pages the audit trail for an administrator and refuses it to others without asking', async () => {
    await signIn('admin');
    controller.navigate({ page: 'audit' });
    await eventually(() => expect(screen.audit_.status).toBe('ready'));
    const seqs = () => (screen.audit_.status === 'ready' ? screen.audit_.view.entries.map((e) => e.seq) : []);
    expect(seqs()).toEqual([7, 6, 5]);
    controller.data.auditOlder();
    await eventually(() => expect(seqs()).toEqual([4, 3, 2]));
    controller.data.auditNewer();
    await eventually(() => expect(seqs()).toEqual([7, 6, 5]));
    ns.emit('audit.appended', auditEntry(8));
    await eventually(() => expect(seqs()).toEqual([8, 7, 6, 5]));
    expect(received.filter((r) => r.event === 'audit.page').map((r) => r.payload)).toEqual([{ limit: 50 }, { before: 5, limit: 50 }, { limit: 50 }]);

    controller.signOut();
    received = [];
    await signIn('tech1');
    controller.navigate({ page: 'audit' });
    expect(screen.audit_).toEqual({ status: 'forbidden' });
    expect(received.filter((r) => r.event === 'audit.page')).toEqual([]);
  });
});

import type { Alert, AuditEntry, CommandView, FleetOverview, KioskSummary } from '@kiosk/protocols';
import { runInBackground, type ReportProblem } from '../shared/background';
import type { Clock, Timers } from '../shared/timers';
import { SignInError, type AuthPort, type SignInFailure } from './auth-client';
import type { ConsoleData } from './console-data';
import type { ConsolePort, HubLinkEvents, HubLinkState, SessionEndReason } from './hub-link';
import type { Route } from './routes';
import { expiresInMs, type Session, type SessionStore } from './session';

/** Why the sign-in page is shown again, for its notice. */
export type SignOutNotice = 'expired' | 'logged-out';

export interface SignInStatus {
  pending: boolean;
  error: SignInFailure | null;
}

/** Where the session's state goes (the Svelte state in the app, plain fields in tests). */
export interface ConsoleSessionSink {
  session(session: Session | null, notice: SignOutNotice | null): void;
  signIn(status: SignInStatus): void;
  link(state: HubLinkState): void;
  route(route: Route): void;
}

/** One session's connection to the hub. */
export interface SessionLink extends ConsolePort {
  start(): void;
  stop(): void;
}

export type LinkFactory = (token: string, events: HubLinkEvents) => SessionLink;

export interface ConsoleControllerDeps {
  auth: AuthPort;
  sessions: SessionStore;
  connect: LinkFactory;
  data: ConsoleData;
  sink: ConsoleSessionSink;
  timers: Timers;
  clock: Clock;
  report: ReportProblem;
}

/** setTimeout's longest delay; a later expiry is re-checked when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The console's session: signing in (token kept in sessionStorage), one hub link per session, and back to
 * the sign-in page when the session ends — signed out here, logged out elsewhere, expired (by the hub's
 * push, by the clock, or a token the hub no longer accepts). Hub pushes are handed to the data.
 */
export class ConsoleController implements HubLinkEvents {
  #session: Session | null = null;
  #link: SessionLink | null = null;
  #expiry: unknown = null;
  #signingIn = false;

  constructor(private readonly deps: ConsoleControllerDeps) {}

  get data(): ConsoleData {
    return this.deps.data;
  }

  start(route: Route): void {
    this.navigate(route);
    const saved = this.deps.sessions.load();
    if (saved === null) this.deps.sink.session(null, null);
    else this.#begin(saved);
  }

  navigate(route: Route): void {
    this.deps.sink.route(route);
    this.deps.data.navigate(route);
  }

  signIn(username: string, password: string): void {
    if (this.#signingIn || this.#session !== null) return;
    this.#signingIn = true;
    this.deps.sink.signIn({ pending: true, error: null });
    this.deps.auth.login(username, password).then(
      (session) => {
        this.#signingIn = false;
        this.deps.sink.signIn({ pending: false, error: null });
        this.deps.sessions.save(session);
        this.#begin(session);
      },
      (error: unknown) => {
        this.#signingIn = false;
        this.deps.report('login', error);
        this.deps.sink.signIn({ pending: false, error: error instanceof SignInError ? error.reason : 'server' });
      },
    );
  }

  /** Signs out at once here; the hub is told in the background (if that fails, the token lapses at its expiry). */
  signOut(): void {
    const session = this.#session;
    if (session === null) return;
    this.#end('logged-out');
    runInBackground('logout', this.deps.auth.logout(session.token), this.deps.report);
  }

  // From the hub link.

  link(state: HubLinkState): void {
    this.deps.sink.link(state);
    if (state !== 'up') return;
    this.deps.data.connected();
    const link = this.#link;
    link?.me().then(
      (user) => {
        const session = this.#session;
        if (link !== this.#link || session === null) return;
        this.#session = { ...session, user };
        this.deps.sessions.save(this.#session);
        this.deps.data.user(user);
        this.deps.sink.session(this.#session, null);
      },
      (error: unknown) => this.deps.report('session.me', error),
    );
  }

  snapshot(kiosks: KioskSummary[]): void {
    this.deps.data.snapshot(kiosks);
  }

  updated(kiosk: KioskSummary): void {
    this.deps.data.updated(kiosk);
  }

  overview(overview: FleetOverview): void {
    this.deps.data.overview(overview);
  }

  alertUpdated(alert: Alert): void {
    this.deps.data.alertUpdated(alert);
  }

  commandUpdated(command: CommandView): void {
    this.deps.data.commandUpdated(command);
  }

  auditAppended(entry: AuditEntry): void {
    this.deps.data.auditAppended(entry);
  }

  sessionEnded(reason: SessionEndReason): void {
    this.#end(reason === 'logged-out' ? 'logged-out' : 'expired');
  }

  #begin(session: Session): void {
    this.#session = session;
    this.deps.sink.session(session, null);
    this.deps.sink.link('connecting');
    const link = this.deps.connect(session.token, this);
    this.#link = link;
    this.deps.data.attach(link, session.user);
    this.#armExpiry();
    link.start();
  }

  #armExpiry(): void {
    const session = this.#session;
    if (session === null) return;
    const remaining = expiresInMs(session, this.deps.clock.now());
    if (remaining <= 0) {
      this.#end('expired');
      return;
    }
    this.#expiry = this.deps.timers.set(() => {
      this.#expiry = null;
      this.#armExpiry();
    }, Math.min(remaining, MAX_TIMER_MS));
  }

  #end(notice: SignOutNotice): void {
    if (this.#session === null) return;
    this.#session = null;
    if (this.#expiry !== null) this.deps.timers.clear(this.#expiry);
    this.#expiry = null;
    const link = this.#link;
    this.#link = null;
    link?.stop();
    this.deps.sessions.clear();
    this.deps.data.attach(null, null);
    this.deps.sink.session(null, notice);
  }
}

import type { Alert, FleetOverview, KioskSummary, UserView } from '@kiosk/protocols';
import type { ConsoleSessionSink, SignInStatus, SignOutNotice } from './console-controller';
import type { AckOutcome, AuditState, CommandOutcome, ConsoleDataSink, DetailState } from './console-data';
import type { HubLinkState } from './hub-link';
import { consoleTranslator, type ConsoleLanguage, type ConsoleTranslate } from './i18n/index';
import type { Route } from './routes';
import type { Session } from './session';

/**
 * The console's reactive state: what the controller and the data hand over, kept in `$state` for the
 * components to read. No rules live here (they are in the plain TS modules next to it).
 */
class ConsoleState implements ConsoleSessionSink, ConsoleDataSink {
  #session = $state.raw<Session | null>(null);
  /** Until the saved session has been looked at, neither the sign-in page nor the console is shown. */
  #started = $state(false);
  #notice = $state<SignOutNotice | null>(null);
  #signIn = $state.raw<SignInStatus>({ pending: false, error: null });
  #link = $state<HubLinkState>('connecting');
  #route = $state.raw<Route>({ page: 'fleet', filter: {} });
  #kiosks = $state.raw<KioskSummary[]>([]);
  #kiosksLoaded = $state(false);
  #overview = $state.raw<FleetOverview | null>(null);
  #alerts = $state.raw<Alert[]>([]);
  #alertsLoaded = $state.raw({ active: false, resolved: false });
  #detail = $state.raw<DetailState>({ status: 'idle' });
  #audit = $state.raw<AuditState>({ status: 'idle' });
  #ackOutcome = $state.raw<AckOutcome | null>(null);
  #commandOutcome = $state.raw<CommandOutcome | null>(null);
  #language = $state<ConsoleLanguage>('ja');
  /** "Now" for relative times, advanced by a ticker so "3 min ago" keeps counting. */
  #now = $state(Date.now());

  get started(): boolean {
    return this.#started;
  }
  get signedIn(): Session | null {
    return this.#session;
  }
  get user(): UserView | null {
    return this.#session?.user ?? null;
  }
  get notice(): SignOutNotice | null {
    return this.#notice;
  }
  get signInStatus(): SignInStatus {
    return this.#signIn;
  }
  get hubLink(): HubLinkState {
    return this.#link;
  }
  get currentRoute(): Route {
    return this.#route;
  }
  get kioskList(): readonly KioskSummary[] {
    return this.#kiosks;
  }
  get kiosksLoaded(): boolean {
    return this.#kiosksLoaded;
  }
  get fleetOverview(): FleetOverview | null {
    return this.#overview;
  }
  get alertList(): readonly Alert[] {
    return this.#alerts;
  }
  get alertsLoaded(): { active: boolean; resolved: boolean } {
    return this.#alertsLoaded;
  }
  get kioskDetail(): DetailState {
    return this.#detail;
  }
  get auditState(): AuditState {
    return this.#audit;
  }
  get lastAck(): AckOutcome | null {
    return this.#ackOutcome;
  }
  get lastCommand(): CommandOutcome | null {
    return this.#commandOutcome;
  }
  get language(): ConsoleLanguage {
    return this.#language;
  }
  get t(): ConsoleTranslate {
    return consoleTranslator(this.#language);
  }
  get now(): number {
    return this.#now;
  }

  setLanguage(language: ConsoleLanguage): void {
    this.#language = language;
  }

  tick(now: number): void {
    this.#now = now;
  }

  // ConsoleSessionSink

  session(session: Session | null, notice: SignOutNotice | null): void {
    this.#session = session;
    this.#notice = notice;
    this.#started = true;
  }
  signIn(status: SignInStatus): void {
    this.#signIn = status;
  }
  link(state: HubLinkState): void {
    this.#link = state;
  }
  route(route: Route): void {
    this.#route = route;
  }

  // ConsoleDataSink

  kiosks(kiosks: KioskSummary[], loaded: boolean): void {
    this.#kiosks = kiosks;
    this.#kiosksLoaded = loaded;
  }
  overview(overview: FleetOverview | null): void {
    this.#overview = overview;
  }
  alerts(alerts: Alert[], loaded: { active: boolean; resolved: boolean }): void {
    this.#alerts = alerts;
    this.#alertsLoaded = loaded;
  }
  detail(detail: DetailState): void {
    this.#detail = detail;
  }
  audit(audit: AuditState): void {
    this.#audit = audit;
  }
  ackOutcome(outcome: AckOutcome | null): void {
    this.#ackOutcome = outcome;
  }
  commandOutcome(outcome: CommandOutcome | null): void {
    this.#commandOutcome = outcome;
  }
}

export const consoleState = new ConsoleState();

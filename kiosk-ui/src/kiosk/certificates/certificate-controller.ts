import type { CertificateOrder, CertificateViewState } from '@kiosk/protocols';
import { runInBackground, type ReportProblem } from '../../shared/background';
import type { Clock, Timers } from '../../shared/timers';
import type { CertificateCommand, CertificatePort } from './certificate-link';
import { flowEnded, flowGone, idleArmedOn, pinKeyMessage } from './certificate-view';
import { IdleTimer } from '../idle';
import { warningMsFor } from './idle-warning';
import type { PinPadKey } from '../pin-pad';

/** What the certificate screens show besides the agent's view state. */
export interface CertificateStore {
  readonly view: CertificateViewState;
  setView(view: CertificateViewState): void;
  /** Seconds left on the idle warning, or null when it is not showing. */
  setIdleSeconds(seconds: number | null): void;
  /** A command is on its way to the agent: buttons wait instead of sending it twice. */
  setPending(pending: boolean): void;
}

/** The kiosk around the flow: it ends the session and goes home. */
export interface FlowHost {
  /** The flow reached `done`: `session.end { reason: 'done' }`, home. */
  finish(): void;
  /**
   * Nobody answered the idle warning: `session.end { reason: 'idle-timeout' }` now (the agent wipes), but
   * stay on the flow: `finish` follows once the agent reports its end (after a card left in the reader
   * was taken).
   */
  idleTimeout(): void;
}

export interface CertificateControllerOptions {
  idleMs: number;
  clock: Clock;
  timers: Timers;
  report: ReportProblem;
}

export const IDLE_VIEW: CertificateViewState = { screen: 'idle' };

/**
 * Runs the certificate screens for one visit: draws each view state the agent pushes, sends the
 * person's actions (PIN keys one by one, the order, confirm/back/cancel/finish), runs the idle warning
 * on the screens where a person is expected to act, and hands the session back to the kiosk when the
 * flow is done. Nothing personal is kept here beyond the agent's current view state.
 */
export class CertificateController {
  readonly #idle: IdleTimer;
  #unsubscribe: (() => void) | null = null;
  #previous: CertificateViewState | null = null;
  #pending = 0;
  /** The idle warning ran out and the session was ended: waiting for the agent's flow to be over. */
  #sessionEnded = false;
  /** Home was asked for (`finish`): once only. */
  #handedOver = false;

  constructor(
    private readonly port: CertificatePort,
    private readonly host: FlowHost,
    private readonly store: CertificateStore,
    private readonly options: CertificateControllerOptions,
  ) {
    this.#idle = new IdleTimer(options.idleMs, warningMsFor(options.idleMs), options.clock, options.timers, {
      warning: (seconds) => this.store.setIdleSeconds(seconds),
      expired: () => this.#expired(),
    });
  }

  /** Starts drawing the agent's states; one left over from the previous person (`done`) is not shown. */
  start(): void {
    const latest = this.port.latest;
    this.#show(latest !== null && latest.screen !== 'done' ? latest : IDLE_VIEW);
    this.#previous = latest;
    this.#unsubscribe = this.port.subscribe((state) => this.#receive(state));
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#idle.dispose();
  }

  /** Any touch or key press on the flow's screens (and "continue" on the idle warning). */
  activity(): void {
    this.#idle.activity();
  }

  pinKey(key: PinPadKey): void {
    // Straight through: the key is not kept, queued or logged here.
    runInBackground('certificates.pinKey', this.port.pinKey(pinKeyMessage(key)), this.options.report);
  }

  quote(order: CertificateOrder): void {
    this.#send('certificates.quote', this.port.quote(order));
  }

  command(command: CertificateCommand): void {
    this.#send(`certificates.${command}`, this.port.command(command));
  }

  #send(what: string, task: Promise<unknown>): void {
    this.#pending += 1;
    this.store.setPending(true);
    const settled = task.finally(() => {
      this.#pending -= 1;
      if (this.#pending === 0) this.store.setPending(false);
    });
    runInBackground(what, settled, this.options.report);
  }

  #receive(state: CertificateViewState): void {
    const previous = this.#previous;
    this.#previous = state;
    if (flowEnded(previous, state) || (this.#sessionEnded && flowGone(state))) {
      this.#handOver();
      return;
    }
    if (state.screen === 'done') return;
    // A key on the hardware PIN pad never reaches the page (the PIN stays in the agent): the count it
    // changed is the person at the kiosk, as a touch would be.
    if (previous?.screen === 'pin' && state.screen === 'pin' && previous.digitsEntered !== state.digitsEntered) this.#idle.activity();
    this.#show(state);
  }

  #show(state: CertificateViewState): void {
    this.store.setView(state);
    this.#idle.setArmed(!this.#sessionEnded && !this.#handedOver && idleArmedOn(state.screen));
  }

  /**
   * Nobody is there: the session ends (the agent returns coins and wipes), but the screen keeps showing
   * what the agent reports, so a card left in the reader is asked for ("take your card") until it is out.
   */
  #expired(): void {
    if (this.#sessionEnded || this.#handedOver) return;
    this.#sessionEnded = true;
    this.#idle.dispose();
    this.host.idleTimeout();
    // No flow at the agent: nothing more will be reported, so home now.
    if (flowGone(this.store.view)) this.#handOver();
  }

  /** Home, exactly once: the flow reached `done` (or, after idle expiry, the agent's flow is over). */
  #handOver(): void {
    if (this.#handedOver) return;
    this.#handedOver = true;
    this.#idle.dispose();
    this.host.finish();
  }
}

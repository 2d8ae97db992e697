import { runInBackground, type ReportProblem } from '../shared/background';
import type { AgentPort } from './agent-link';
import type { CertificatePort } from './certificates/certificate-link';
import type { Clock, Timers } from '../shared/timers';
import { IdleTimer } from './idle';
import { idleArmed, reduce, type KioskAction, type KioskEffect, type KioskModel } from './kiosk-model';

/** Holds the current model; the Svelte store implements it with `$state`, tests with a plain object. */
export interface ModelStore {
  readonly model: KioskModel;
  set(model: KioskModel): void;
}

export interface ControllerOptions {
  idleMs: number;
  clock: Clock;
  timers: Timers;
  report: ReportProblem;
}

/**
 * Runs the kiosk: every user action, agent message and idle expiry becomes an action for the pure
 * reducer; the reducer's effects are sent to the agent in the background (the screen never waits on
 * the agent to move, and a failed call is reported, not thrown into a click handler).
 */
export class KioskController {
  readonly #idle: IdleTimer;

  constructor(
    private readonly store: ModelStore,
    private readonly agent: AgentPort,
    private readonly options: ControllerOptions,
  ) {
    // No warning on the shell's own screens: it only goes back to the attract screen.
    this.#idle = new IdleTimer(options.idleMs, 0, options.clock, options.timers, { expired: () => this.dispatch({ type: 'idle-timeout' }) });
  }

  get idleMs(): number {
    return this.options.idleMs;
  }

  /** The certificate flow's link to the agent (its screens subscribe to it). */
  get certificates(): CertificatePort | undefined {
    return this.agent.certificates;
  }

  get report(): ReportProblem {
    return this.options.report;
  }

  dispatch(action: KioskAction): void {
    const { model, effects } = reduce(this.store.model, action);
    this.store.set(model);
    this.#idle.setArmed(idleArmed(model));
    for (const effect of effects) this.#run(effect);
  }

  /** Any touch or key press: postpones the idle reset. */
  activity(): void {
    this.#idle.activity();
  }

  dispose(): void {
    this.#idle.dispose();
  }

  #run(effect: KioskEffect): void {
    switch (effect.kind) {
      case 'begin-session':
        runInBackground(
          'session.begin',
          // A certificates session starts the agent's flow (its preflight) once the session exists.
          this.agent
            .beginSession({ service: effect.service, language: effect.language })
            .then(() => (effect.service === 'certificates' ? this.agent.certificates?.command('start') : undefined)),
          this.options.report,
        );
        return;
      case 'end-session':
        runInBackground('session.end', this.agent.endSession({ reason: effect.reason }), this.options.report);
        return;
    }
  }
}

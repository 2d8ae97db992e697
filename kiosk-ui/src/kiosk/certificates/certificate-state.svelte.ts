import type { CertificateViewState } from '@kiosk/protocols';
import { IDLE_VIEW, type CertificateStore } from './certificate-controller';

/** The certificate screens' reactive state for one visit (a new one per visit: nothing carries over). */
export class CertificateState implements CertificateStore {
  #view = $state.raw<CertificateViewState>(IDLE_VIEW);
  #idleSeconds = $state<number | null>(null);
  #pending = $state(false);

  get view(): CertificateViewState {
    return this.#view;
  }

  get idleSeconds(): number | null {
    return this.#idleSeconds;
  }

  get pending(): boolean {
    return this.#pending;
  }

  setView(view: CertificateViewState): void {
    this.#view = view;
  }

  setIdleSeconds(seconds: number | null): void {
    this.#idleSeconds = seconds;
  }

  setPending(pending: boolean): void {
    this.#pending = pending;
  }
}

import type { SealedPin } from '@kiosk/protocols';
import { INACTIVE, type SignInState } from './sign-in-model';

/** Signed in offline: the PIN sealed once for the hub at sign-in, and the sign-in's id each entry carries. */
export interface OfflineSeal {
  offlineSessionId: string;
  sealedPin: SealedPin;
}

/** An entry or booking whose answer was lost: retried with the same content, it keeps its client request id. */
export interface UnansweredRequest {
  key: string;
  clientRequestId: string;
}

type SignedIn = Extract<SignInState, { stage: 'signed-in' }>;

/**
 * Everything the lottery holds in memory about the person at the screen, in one place so that it is
 * wiped in one place: the sign-in state (user number, hub session token), the sealed PIN of an offline
 * sign-in, the placed My Number card's certificate and the request whose answer was lost. The PIN itself
 * is never here: it stays in `PinEntry` until it is taken, and is zeroed after use.
 */
export class LotteryMemory {
  /** The sign-in machine's state (sign-in-model.ts); the runner alone moves it. */
  signIn: SignInState = INACTIVE;
  /** Signed in offline only (the PIN sealed at sign-in, then wiped): the hub counts one PIN attempt per sign-in. */
  offlineSeal: OfflineSeal | null = null;
  /** The placed My Number card's certificate, held from its reading to the sign-in. */
  myNumberCertificate: Buffer | null = null;
  /** Signed in only: nothing is entered or booked twice when its answer was lost. */
  unanswered: UnansweredRequest | null = null;

  signedIn(): SignedIn | null {
    return this.signIn.stage === 'signed-in' ? this.signIn : null;
  }

  /** After every transition: what belongs to a sign-in goes with it. */
  settle(): void {
    if (this.signIn.stage !== 'signed-in') this.unanswered = null;
    if (this.signIn.stage !== 'signed-in' || this.signIn.mode !== 'offline') this.offlineSeal = null;
  }

  forgetCertificate(): void {
    this.myNumberCertificate?.fill(0);
    this.myNumberCertificate = null;
  }

  /** A fresh client request id, or the one of the same request whose answer was lost. */
  requestId(key: string, newId: () => string): string {
    if (this.unanswered?.key !== key) this.unanswered = { key, clientRequestId: newId() };
    return this.unanswered.clientRequestId;
  }

  /** Any answer from the hub settles the request; only an unreachable hub keeps its id for a retry. */
  answered(answer: { ok: true } | { ok: false; error: { code: string } }): void {
    if (answer.ok || answer.error.code !== 'hub_unreachable') this.unanswered = null;
  }

  /** What is held about a person now (empty when nobody is signed in or signing in): for the wipe's proofs. */
  held(): { signIn: SignInState; offlineSeal: OfflineSeal | null; myNumberCertificate: Buffer | null; unanswered: UnansweredRequest | null } {
    return { signIn: this.signIn, offlineSeal: this.offlineSeal, myNumberCertificate: this.myNumberCertificate, unanswered: this.unanswered };
  }
}

import { FacilityPinSchema } from '@kiosk/protocols';
import type { PinEntry } from '../input/pin-entry';
import { runDetached, type Logger } from '../logger';
import { HubUnreachableError, type LotteryHub, type LotteryHubReply } from './hub-client';
import type { LotteryCache } from './lottery-cache';
import type { LotteryMemory } from './lottery-memory';
import { signInRefusal } from './lottery-rules';
import type { MyNumberSignIn } from './my-number-sign-in';
import { sealSessionPin } from './pin-sealer';
import type { SignInEffect, SignInEvent } from './sign-in-model';

export interface SignInEffectsDeps {
  hub: LotteryHub;
  cache: LotteryCache;
  pinEntry: PinEntry;
  memory: LotteryMemory;
  /** Sign-in with a linked My Number card; null: the user card only. */
  myNumber: MyNumberSignIn | null;
  /** Feeds the sign-in machine the event an effect produced (the runner's dispatch). */
  dispatch: (event: SignInEvent) => void;
  newId: () => string;
  logger: Logger;
}

/**
 * The sign-in machine's effects (sign-in-model.ts), carried out: the PIN checked at the hub or sealed for
 * it when the hub is unreachable, the My Number card read and made to sign, the hub session ended, and
 * what is held of the person forgotten. Every PIN taken from `PinEntry` is zeroed here after use.
 */
export class SignInEffects {
  constructor(private readonly deps: SignInEffectsDeps) {}

  run(effect: SignInEffect): void {
    const { logger, memory } = this.deps;
    switch (effect.kind) {
      case 'wipe-pin':
        this.deps.pinEntry.reset();
        return;
      case 'forget-my-number':
        memory.forgetCertificate();
        return;
      case 'hub-sign-out':
        runDetached(logger, 'lottery sign-out', () => this.hubSignOut(effect.sessionToken));
        return;
      case 'check-pin':
        runDetached(logger, 'lottery sign-in', () => this.checkPin(effect.userNumber, effect.attempt));
        return;
      case 'read-my-number':
        runDetached(logger, 'lottery My Number card read', () => this.readMyNumber());
        return;
      case 'sign-with-my-number':
        runDetached(logger, 'lottery My Number sign-in', () => this.signWithMyNumber(effect.attempt));
        return;
    }
  }

  private async hubSignOut(sessionToken: string): Promise<void> {
    await this.deps.hub.request('lottery.signOut', { sessionToken }).catch((error: unknown) => {
      // The hub expires the session on its own; an unreachable hub is no reason to worry.
      if (!(error instanceof HubUnreachableError)) throw error;
    });
  }

  private async readMyNumber(): Promise<void> {
    const { myNumber, memory, dispatch } = this.deps;
    if (!myNumber) return dispatch({ type: 'my-number-refused', refusal: { code: 'card_unreadable' } });
    const { event, certificate } = await myNumber.read();
    // Taken out (or the session ended) while it was read: keep nothing.
    if (memory.signIn.stage !== 'reading-card') return void certificate?.fill(0);
    memory.myNumberCertificate = certificate;
    dispatch(event);
  }

  private async signWithMyNumber(attempt: number): Promise<void> {
    const { myNumber, memory, dispatch } = this.deps;
    const pin = this.deps.pinEntry.take();
    const certificate = memory.myNumberCertificate;
    if (!pin || !certificate || !myNumber) {
      pin?.fill(0);
      return dispatch({ type: 'my-number-refused', refusal: { code: 'card_unreadable' } });
    }
    dispatch(await myNumber.signIn(certificate, pin, attempt));
  }

  private async checkPin(userNumber: string, attempt: number): Promise<void> {
    const { dispatch, logger } = this.deps;
    const pin = this.deps.pinEntry.take();
    if (!pin) return dispatch({ type: 'sign-in-refused', attempt, refusal: { code: 'invalid_message' } });
    try {
      if (!FacilityPinSchema.safeParse(pin.toString('ascii')).success) {
        return dispatch({ type: 'sign-in-refused', attempt, refusal: { code: 'invalid_message' } });
      }
      let ack: LotteryHubReply<'lottery.signIn'>;
      try {
        ack = await this.deps.hub.request('lottery.signIn', { userNumber, pin: pin.toString('ascii') });
      } catch (error) {
        if (!(error instanceof HubUnreachableError)) throw error;
        return this.signInOffline(userNumber, attempt, pin);
      }
      if (ack.ok) {
        logger.info({ municipality: ack.user.municipality }, 'lottery signed in');
        return dispatch({ type: 'signed-in', attempt, sessionToken: ack.sessionToken, user: ack.user });
      }
      logger.info({ code: ack.error.code }, 'lottery sign-in refused');
      dispatch({ type: 'sign-in-refused', attempt, refusal: signInRefusal(ack) });
    } finally {
      pin.fill(0);
    }
  }

  /** The hub checks this PIN (once for this sign-in) when an entry arrives: sealed now; the caller wipes it. */
  private signInOffline(userNumber: string, attempt: number, pin: Buffer): void {
    const { cache, memory, dispatch } = this.deps;
    const key = cache.offlineKey();
    if (key === null) return dispatch({ type: 'sign-in-refused', attempt, refusal: { code: 'hub_unreachable' } });
    const offlineSessionId = this.deps.newId();
    const sealedPin = sealSessionPin(key, pin, userNumber, offlineSessionId);
    dispatch({ type: 'signed-in-offline', attempt });
    const signedIn = memory.signedIn();
    if (signedIn?.mode === 'offline') memory.offlineSeal = { offlineSessionId, sealedPin };
    this.deps.logger.info({}, 'lottery signed in offline (PIN to be checked by the hub)');
  }
}

import type { CardReaderDriver } from '@kiosk/devices';
import type { Logger } from '../logger';
import { cardFailureOf, readAuthCard, verifyPinAndSign } from '../my-number/jpki-operations';
import { HubUnreachableError, type LotteryHub } from './hub-client';
import type { SignInEvent } from './sign-in-model';

/** The JPKI user-authentication PIN: 4 ASCII digits (checked on the bytes: no string copy of the PIN). */
const isCardPin = (pin: Buffer): boolean => pin.length === 4 && pin.every((byte) => byte >= 0x30 && byte <= 0x39);

/**
 * Sign-in at a street terminal with a linked My Number card, the I/O half (sign-in-model.ts has the
 * states): read the card's user-authentication certificate, then with the PIN typed on the 12-key pad
 * VERIFY and sign the hub's challenge in one card transaction (my-number/jpki-operations.ts, shared with
 * certificate issuance) and ask the hub to sign in the user card linked to it. Each step answers with
 * the event to dispatch. The PIN never leaves this process; the certificate stays with the caller.
 */
export class MyNumberSignIn {
  constructor(
    private readonly reader: CardReaderDriver,
    private readonly hub: LotteryHub,
    private readonly logger: Logger,
  ) {}

  async read(): Promise<{ event: SignInEvent; certificate: Buffer | null }> {
    try {
      const read = await readAuthCard(this.reader);
      if (read.locked) return { event: { type: 'my-number-refused', refusal: { code: 'card_pin_locked' } }, certificate: null };
      return { event: { type: 'my-number-read', triesLeft: read.triesLeft }, certificate: read.certificate };
    } catch (error) {
      return { event: this.cardEvent(error, 0), certificate: null };
    }
  }

  /** `pin` is zeroed before this resolves, whatever happens. */
  async signIn(certificate: Buffer, pin: Buffer, attempt: number): Promise<SignInEvent> {
    try {
      if (!isCardPin(pin)) return { type: 'my-number-pin-wrong', attempt, triesLeft: null };
      const challenge = await this.hub.request('lottery.cardChallenge', {});
      if (!challenge.ok) return { type: 'my-number-refused', refusal: { code: challenge.error.code } };
      let signature: Buffer;
      try {
        signature = await verifyPinAndSign(this.reader, pin, Buffer.from(challenge.challenge, 'base64'));
      } catch (error) {
        return this.cardEvent(error, attempt);
      }
      const ack = await this.hub.request('lottery.signInWithCard', {
        challenge: challenge.challenge,
        certificate: certificate.toString('base64'),
        signature: signature.toString('base64'),
      });
      if (ack.ok) {
        this.logger.info({ municipality: ack.user.municipality }, 'lottery signed in with a My Number card');
        const { userNumber } = ack;
        return { type: 'signed-in', attempt, sessionToken: ack.sessionToken, user: ack.user, ...(userNumber ? { userNumber } : {}) };
      }
      this.logger.info({ code: ack.error.code, cardRefusal: ack.cardRefusal }, 'lottery card sign-in refused');
      if (ack.cardRefusal) return { type: 'my-number-refused', refusal: { code: 'card_refused', cardRefusal: ack.cardRefusal } };
      return { type: 'my-number-refused', refusal: { code: ack.error.code } };
    } catch (error) {
      if (error instanceof HubUnreachableError) return { type: 'my-number-refused', refusal: { code: 'card_needs_hub' } };
      throw error;
    } finally {
      pin.fill(0);
    }
  }

  private cardEvent(error: unknown, attempt: number): SignInEvent {
    const failure = cardFailureOf(error, this.logger);
    switch (failure.kind) {
      case 'card-removed':
        return { type: 'my-number-removed' };
      case 'pin-wrong':
        return { type: 'my-number-pin-wrong', attempt, triesLeft: failure.triesLeft };
      case 'pin-locked':
        return { type: 'my-number-refused', refusal: { code: 'card_pin_locked' } };
      case 'not-my-number':
      case 'card-unreadable':
        return { type: 'my-number-refused', refusal: { code: 'card_unreadable' } };
    }
  }
}

import { CardError, JpkiCard, NotMyNumberCardError, PinIncorrectError, PinLockedError, type CardReaderDriver } from '@kiosk/devices';
import type { Logger } from '../logger';

/**
 * The agent's My Number card operations, shared by every flow that authenticates a person with the
 * card's user-authentication certificate (certificate issuance, lottery sign-in with a linked card).
 * Each runs in one exclusive card transaction, so no other process interleaves APDUs between the PIN
 * check and the signature.
 */

/** What a card holds for authentication: its certificate (DER) and the PIN tries left, or a locked PIN. */
export type AuthCardRead = { locked: false; certificate: Buffer; triesLeft: number } | { locked: true };

/** Reads the user-authentication certificate and the PIN tries left (throws the card's errors: `cardFailureOf`). */
export async function readAuthCard(reader: CardReaderDriver): Promise<AuthCardRead> {
  const read = await reader.withExclusiveCard(async (card) => {
    const jpki = new JpkiCard(card);
    const certificate = await jpki.readAuthCertificate();
    try {
      return { locked: false as const, certificate, triesLeft: await jpki.pinTriesLeft() };
    } catch (error) {
      if (error instanceof PinLockedError) {
        certificate.fill(0);
        return { locked: true as const };
      }
      throw error;
    }
  });
  return read;
}

/**
 * VERIFY the card PIN, then sign the hub's challenge, in one card transaction. `pin` (ASCII digits) is
 * zeroed by the VERIFY, whatever happens; the caller zeroes it again in its own `finally`.
 */
export async function verifyPinAndSign(reader: CardReaderDriver, pin: Buffer, challenge: Buffer): Promise<Buffer> {
  return reader.withExclusiveCard(async (card) => {
    const jpki = new JpkiCard(card);
    await jpki.verifyPin(pin);
    return jpki.signChallenge(challenge);
  });
}

/** Why a card operation failed, as a flow tells the person. */
export type CardFailure =
  | { kind: 'not-my-number' }
  | { kind: 'pin-locked' }
  | { kind: 'pin-wrong'; triesLeft: number }
  | { kind: 'card-removed' }
  | { kind: 'card-unreadable' };

export function cardFailureOf(error: unknown, logger: Logger): CardFailure {
  if (error instanceof NotMyNumberCardError) return { kind: 'not-my-number' };
  if (error instanceof PinLockedError) return { kind: 'pin-locked' };
  if (error instanceof PinIncorrectError) return { kind: 'pin-wrong', triesLeft: error.triesLeft };
  if (error instanceof CardError) {
    logger.info({ code: error.code }, 'card operation failed');
    return { kind: error.code === 'card-removed' || error.code === 'no-card' ? 'card-removed' : 'card-unreadable' };
  }
  logger.error({ err: error }, 'card operation failed unexpectedly');
  return { kind: 'card-unreadable' };
}

import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { ApduChannel } from '../apdu/channel';
import {
  CardArgumentError,
  NotMyNumberCardError,
  PinFormatError,
  PinIncorrectError,
  PinLockedError,
  PinNotVerifiedError,
} from '../errors';
import { VirtualJpkiCard, type VirtualJpkiCardOptions } from '../virtual/jpki-emulator';
import { JpkiCard } from './jpki-card';

// The virtual card's APDU processor itself is the transport here: real card logic, no PC/SC in between.
// (devices/test/card runs the same flows through pcscd and vpcd.)
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A DER SEQUENCE of `total` bytes: the card stack reads bytes; parsing X.509 is the caller's business. */
function fakeCertificate(total: number): Buffer {
  const header = total - 3 < 256 ? Buffer.from([0x30, 0x81, total - 3]) : Buffer.from([0x30, 0x82, (total - 4) >> 8, (total - 4) & 0xff]);
  return Buffer.concat([header, randomBytes(total - header.length)]);
}

function setup(options: Partial<VirtualJpkiCardOptions> = {}): { card: VirtualJpkiCard; channel: ApduChannel; jpki: JpkiCard; certificate: Buffer } {
  const certificate = options.certificate ?? fakeCertificate(1234);
  const card = new VirtualJpkiCard({ certificate, privateKey, pin: '2580', ...options });
  const channel = new ApduChannel((apdu) => Promise.resolve(card.process(apdu)), { extendedLength: options.extendedLength ?? true });
  return { card, channel, jpki: new JpkiCard(channel), certificate };
}

const pin = (digits: string): Buffer => Buffer.from(digits, 'ascii');

describe('JpkiCard', () => {
  it('reads the certificate in two READ BINARYs when the card takes extended Le', async () => {
    const { jpki, channel, certificate } = setup({ certificateFileSize: 4096 });
    expect(await jpki.readAuthCertificate()).toEqual(certificate);
    expect(channel.apduCount).toBe(4); // SELECT AP, SELECT EF, header + first 256, the rest
  });

  it('reads it in 256-byte chunks from a card without extended length', async () => {
    const { jpki, channel, certificate } = setup({ extendedLength: false });
    expect(await jpki.readAuthCertificate()).toEqual(certificate);
    expect(channel.apduCount).toBe(2 + Math.ceil(1234 / 256));
  });

  it('falls back to short reads when a card that offered extended Le answers 67 00', async () => {
    const certificate = fakeCertificate(1234);
    const card = new VirtualJpkiCard({ certificate, privateKey, pin: '2580', extendedLength: false });
    const channel = new ApduChannel((apdu) => Promise.resolve(card.process(apdu)), { extendedLength: true });
    expect(await new JpkiCard(channel).readAuthCertificate()).toEqual(certificate);
    expect(channel.apduCount).toBe(2 + 1 + 1 + Math.ceil((1234 - 256) / 256)); // one refused extended read
  });

  it('reads through 61xx GET RESPONSE chaining, and a certificate smaller than the first read', async () => {
    const chained = setup({ extendedLength: false, responseChunk: 100 });
    expect(await chained.jpki.readAuthCertificate()).toEqual(chained.certificate);
    const small = fakeCertificate(200);
    const tiny = setup({ certificate: small, certificateFileSize: 200 });
    expect(await tiny.jpki.readAuthCertificate()).toEqual(small); // 6C C8, then the exact Le
  });

  it('says "not a My Number card" for a card without the JPKI application', async () => {
    const card = new VirtualJpkiCard({ jpki: false });
    const jpki = new JpkiCard(new ApduChannel((apdu) => Promise.resolve(card.process(apdu)), { extendedLength: true }));
    await expect(jpki.readAuthCertificate()).rejects.toBeInstanceOf(NotMyNumberCardError);
  });

  it('counts wrong PINs down to a lock, after which the right PIN is refused', async () => {
    const { jpki } = setup();
    expect(await jpki.pinTriesLeft()).toBe(3);
    await expect(jpki.verifyPin(pin('1111'))).rejects.toMatchObject({ code: 'pin-incorrect', triesLeft: 2 });
    expect(await jpki.pinTriesLeft()).toBe(2);
    await expect(jpki.verifyPin(pin('1112'))).rejects.toEqual(new PinIncorrectError(1));
    await expect(jpki.verifyPin(pin('1113'))).rejects.toBeInstanceOf(PinLockedError);
    await expect(jpki.verifyPin(pin('2580'))).rejects.toBeInstanceOf(PinLockedError);
    await expect(jpki.pinTriesLeft()).rejects.toBeInstanceOf(PinLockedError);
  });

  it('resets the counter on a right PIN', async () => {
    const { jpki } = setup();
    await expect(jpki.verifyPin(pin('0000'))).rejects.toBeInstanceOf(PinIncorrectError);
    await jpki.verifyPin(pin('2580'));
    expect(await jpki.pinTriesLeft()).toBe(3);
  });

  it('zeroes the PIN buffer whatever happens, and refuses a malformed PIN without spending a try', async () => {
    const { jpki, card } = setup();
    const right = pin('2580');
    await jpki.verifyPin(right);
    expect(right.every((b) => b === 0)).toBe(true);
    const wrong = pin('9999');
    await expect(jpki.verifyPin(wrong)).rejects.toBeInstanceOf(PinIncorrectError);
    expect(wrong.every((b) => b === 0)).toBe(true);
    for (const bad of ['258', '25800', '25a0', '']) {
      const buffer = pin(bad);
      await expect(jpki.verifyPin(buffer)).rejects.toBeInstanceOf(PinFormatError);
      expect(buffer.every((b) => b === 0)).toBe(true);
    }
    expect(card.pinTriesLeft).toBe(2);
  });

  it('signs the challenge after VERIFY, verifiable with the public key', async () => {
    const { jpki } = setup();
    const challenge = randomBytes(32);
    await jpki.verifyPin(pin('2580'));
    const signature = await jpki.signChallenge(challenge);
    expect(signature.length).toBe(256);
    expect(verify('sha256', challenge, publicKey, signature)).toBe(true);
  });

  it('will not sign without a verified PIN in the session, or an empty challenge', async () => {
    const { jpki, card } = setup();
    await expect(jpki.signChallenge(randomBytes(32))).rejects.toBeInstanceOf(PinNotVerifiedError);
    await jpki.verifyPin(pin('2580'));
    card.reset(); // a new session (the reader resets the card between operations)
    await expect(new JpkiCard(setupChannel(card)).signChallenge(randomBytes(32))).rejects.toBeInstanceOf(PinNotVerifiedError);
    await expect(jpki.signChallenge(Buffer.alloc(0))).rejects.toBeInstanceOf(CardArgumentError);
  });

  it('signs through GET RESPONSE chaining on a short-APDU card', async () => {
    const { jpki } = setup({ extendedLength: false, responseChunk: 64 });
    const challenge = randomBytes(16);
    await jpki.verifyPin(pin('2580'));
    expect(verify('sha256', challenge, publicKey, await jpki.signChallenge(challenge))).toBe(true);
  });
});

function setupChannel(card: VirtualJpkiCard): ApduChannel {
  return new ApduChannel((apdu) => Promise.resolve(card.process(apdu)), { extendedLength: true });
}

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Random } from '../repositories/random.repository';
import { formatEnrolmentCode, hashEnrolmentCode, isEd25519SpkiKey, newKioskId, normaliseEnrolmentCode } from './enrolment-code.rules';

const fixedRandom = (bytes: number[]): Random => ({
  bytes: (count) => Buffer.from(Array.from({ length: count }, (_, i) => bytes[i % bytes.length] ?? 0)),
  uuidv7: () => {
    throw new Error('not used');
  },
});

describe('enrolment code rules', () => {
  it('formats 80 bits as four groups of four base32 characters', () => {
    expect(formatEnrolmentCode(Buffer.alloc(10, 0))).toBe('AAAA-AAAA-AAAA-AAAA');
    expect(formatEnrolmentCode(Buffer.alloc(10, 0xff))).toBe('7777-7777-7777-7777');
    expect(formatEnrolmentCode(Buffer.from('0123456789'))).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    expect(() => formatEnrolmentCode(Buffer.alloc(9))).toThrow(RangeError);
  });

  it('hashes what a person types the same way as the printed code', () => {
    expect(normaliseEnrolmentCode(' abcd-efgh ijkl-mnop ')).toBe('ABCDEFGHIJKLMNOP');
    expect(hashEnrolmentCode('abcd efgh-ijkl-mnop')).toBe(hashEnrolmentCode('ABCD-EFGH-IJKL-MNOP'));
    expect(hashEnrolmentCode('ABCD-EFGH-IJKL-MNOP')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEnrolmentCode('ABCD-EFGH-IJKL-MNOQ')).not.toBe(hashEnrolmentCode('ABCD-EFGH-IJKL-MNOP'));
  });

  it('draws kiosk ids from [a-z0-9], skipping bytes that would bias the draw', () => {
    expect(newKioskId(fixedRandom([0, 1, 25, 26, 35, 36, 71, 251]))).toBe('kiosk-abz09a99');
    // 252..255 are skipped: only the 0s count.
    expect(newKioskId(fixedRandom([252, 253, 254, 255, 0]))).toBe('kiosk-aaaaaaaa');
    expect(newKioskId({ bytes: (n) => randomBytes(n), uuidv7: () => '' })).toMatch(/^kiosk-[a-z0-9]{8}$/);
  });

  it('accepts only Ed25519 SPKI public keys', () => {
    const spki = (key: { export(o: { format: 'der'; type: 'spki' }): Buffer }) => key.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(isEd25519SpkiKey(spki(generateKeyPairSync('ed25519').publicKey))).toBe(true);
    expect(isEd25519SpkiKey(spki(generateKeyPairSync('x25519').publicKey))).toBe(false);
    expect(isEd25519SpkiKey(spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey))).toBe(false);
    expect(isEd25519SpkiKey(Buffer.alloc(44).toString('base64'))).toBe(false);
  });
});

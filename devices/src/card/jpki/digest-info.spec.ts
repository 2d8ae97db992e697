import { constants, createHash, generateKeyPairSync, privateEncrypt, sign, verify } from 'node:crypto';
import { CardArgumentError } from '../errors';
import { challengeDigestInfo, sha256DigestInfo, SHA256_DIGEST_INFO_PREFIX } from './digest-info';

describe('SHA-256 DigestInfo', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('is the 19-byte prefix and the 32-byte hash', () => {
    const hash = createHash('sha256').update('x').digest();
    const digestInfo = sha256DigestInfo(hash);
    expect(digestInfo.length).toBe(51);
    expect(digestInfo.subarray(0, 19)).toEqual(SHA256_DIGEST_INFO_PREFIX);
    expect(digestInfo.subarray(19)).toEqual(hash);
    expect(() => sha256DigestInfo(Buffer.alloc(20))).toThrow(CardArgumentError);
  });

  it('signed with PKCS#1 v1.5 padding, as the card does, is a standard RSA-SHA256 signature', () => {
    const challenge = Buffer.from('one-time challenge from the hub');
    const cardSignature = privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, challengeDigestInfo(challenge));
    expect(cardSignature).toEqual(sign('sha256', challenge, privateKey));
    expect(verify('sha256', challenge, publicKey, cardSignature)).toBe(true);
    expect(verify('sha256', Buffer.from('another challenge'), publicKey, cardSignature)).toBe(false);
  });
});

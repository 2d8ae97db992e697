import { PinHashError, hashPin, verifyPin } from './pin-hash';

describe('PIN hashing', () => {
  const salt = Buffer.alloc(16, 7);

  it('verifies the right PIN and refuses a wrong or malformed one', async () => {
    const stored = await hashPin('4821', salt);
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain('4821');
    await expect(verifyPin('4821', stored)).resolves.toBe(true);
    await expect(verifyPin('4822', stored)).resolves.toBe(false);
    await expect(verifyPin('482', stored)).resolves.toBe(false);
  });

  it('salts: the same PIN hashes differently under another salt', async () => {
    expect(await hashPin('4821', salt)).not.toBe(await hashPin('4821', Buffer.alloc(16, 8)));
  });

  it('verifies hashes made with other parameters (they are stored with the hash)', async () => {
    const cheap = await hashPin('1111', salt, { N: 1024, r: 8, p: 1, keyLength: 32 });
    await expect(verifyPin('1111', cheap)).resolves.toBe(true);
  });

  it('refuses bad input and bad stored hashes', async () => {
    await expect(hashPin('12345', salt)).rejects.toBeInstanceOf(PinHashError);
    await expect(hashPin('1234', Buffer.alloc(8))).rejects.toBeInstanceOf(PinHashError);
    await expect(verifyPin('1234', 'plain$1234')).rejects.toBeInstanceOf(PinHashError);
    await expect(verifyPin('1234', 'scrypt$40$8$1$AAAA$AAAA')).rejects.toBeInstanceOf(PinHashError);
  });
});

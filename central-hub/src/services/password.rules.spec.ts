import { hashPassword, verifyPassword } from './password.rules';

const salt = Buffer.alloc(16, 7);
// Cheap parameters: these tests are about the format and the comparison, not the cost.
const fast = { N: 1024, r: 8, p: 1, keyLength: 32 };

describe('password hashing', () => {
  it('stores scrypt parameters, salt and key, and verifies the right password only', async () => {
    const stored = await hashPassword('correct horse battery', salt, fast);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterx', stored)).toBe(false);
  });

  it('salts: the same password with another salt hashes differently', async () => {
    expect(await hashPassword('pw-pw-pw-pw-pw', salt, fast)).not.toBe(await hashPassword('pw-pw-pw-pw-pw', Buffer.alloc(16, 8), fast));
  });

  it('treats full-width and half-width input alike (NFKC)', async () => {
    const stored = await hashPassword('Passw0rd', salt, fast);
    expect(await verifyPassword('Ｐａｓｓｗ０ｒｄ', stored)).toBe(true);
  });

  it('refuses a short salt, and anything it did not write', async () => {
    await expect(hashPassword('x', Buffer.alloc(8), fast)).rejects.toThrow(RangeError);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1024$8$1$AAAA$AAAA')).toBe(false);
  });
});

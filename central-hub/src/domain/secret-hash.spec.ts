import { hashPin, verifyPin } from './lottery/pin-hash';
import { parseStoredSecret } from './secret-hash';
import { hashPassword, verifyPassword } from '../services/password.rules';

const salt = Buffer.alloc(16, 3);
const fast = { N: 1024, r: 8, p: 1, keyLength: 32 };
const key = Buffer.alloc(32, 1).toString('base64');

describe('stored secrets (passwords and PINs)', () => {
  it('writes passwords and PINs in one format, which either check reads', async () => {
    const pin = await hashPin('2468', salt, fast);
    expect(pin).toBe(await hashPassword('2468', salt, fast));
    await expect(verifyPassword('2468', pin)).resolves.toBe(true);
    await expect(verifyPin('2468', await hashPassword('2468', salt, fast))).resolves.toBe(true);
  });

  it('takes a stored hash apart, and refuses costs that are not powers of two or too large', () => {
    expect(parseStoredSecret(`scrypt$1024$8$1$${salt.toString('base64')}$${key}`)).toMatchObject({ params: { N: 1024, r: 8, p: 1, keyLength: 32 } });
    expect(parseStoredSecret(`scrypt$1000$8$1$${salt.toString('base64')}$${key}`)).toBeUndefined();
    expect(parseStoredSecret(`scrypt$${2 ** 21}$8$1$${salt.toString('base64')}$${key}`)).toBeUndefined();
    expect(parseStoredSecret(`scrypt$1024$0$1$${salt.toString('base64')}$${key}`)).toBeUndefined();
    expect(parseStoredSecret(`scrypt$1024$8$1$${salt.toString('base64')}$AAAA`)).toBeUndefined();
  });
});

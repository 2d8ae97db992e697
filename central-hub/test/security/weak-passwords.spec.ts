/**
 * Issue 15, item 9: an account could be created with a password of twelve times "a". Accounts are
 * now refused a password that zxcvbn scores below 3 of 4 (password-strength.rules.ts), with a 400 that
 * names the field, and nothing is created; a passphrase is accepted. Against a real hub.
 */
import { TestHub } from '../support/test-hub';

describe('weak passwords refused at account creation (issue 15, item 9)', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start();
  });

  afterAll(async () => {
    await hub.close();
  });

  it.each(['aaaaaaaaaaaa', '123456789012', 'password1234', 'qwertyuiop12', 'suzuki123456'])('refuses %s for a technician and creates nothing', async (password) => {
    const created = await hub.api('POST', '/api/users', { username: 'suzuki', password, role: 'technician', municipality: '豊中市' });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ ok: false, error: { code: 'invalid_message', issues: [{ path: 'password', message: expect.stringMatching(/^too easy to guess/) as string }] } });
    expect(await hub.count("SELECT count(*) FROM users WHERE username = 'suzuki'")).toBe(0);
  });

  it('refuses a weak password for an administrator too, and accepts a passphrase', async () => {
    expect((await hub.api('POST', '/api/users', { username: 'kanri', password: 'kanrikanri12', role: 'administrator', municipality: null })).status).toBe(400);
    expect((await hub.api('POST', '/api/users', { username: 'kanri', password: 'maple river lantern', role: 'administrator', municipality: null })).status).toBe(201);
    expect(await hub.login('kanri', 'maple river lantern')).toEqual(expect.any(String));
  });
});

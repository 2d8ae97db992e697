import { passwordWeakness } from './password-strength.rules';

describe('password strength (issue 15)', () => {
  it('refuses repeats, sequences, keyboard walks, common passwords and the account’s own name', () => {
    for (const weak of ['aaaaaaaaaaaa', 'abcabcabcabc', '123456789012', 'qwertyuiop12', 'password1234', 'iloveyou1234', 'yamadayamada', 'yamada123456']) {
      expect(passwordWeakness(weak, ['yamada'])).toMatchObject({ message: expect.stringMatching(/^too easy to guess/) as string });
    }
    expect(passwordWeakness('short-1', ['yamada'])).toMatchObject({ message: 'at least 12 characters' });
  });

  it('accepts passphrases of unrelated words', () => {
    for (const strong of ['correct horse battery', 'long-enough-password', 'yamada-password-1', 'Tr0ub4dor&3xx']) expect(passwordWeakness(strong, ['yamada'])).toBeNull();
  });
});

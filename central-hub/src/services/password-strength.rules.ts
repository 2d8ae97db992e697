import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/**
 * How strong a technician's password must be (issue 15): at least 12 characters (the account schema)
 * and a zxcvbn score of 3 or more out of 4 (about 10^8 guesses and up), so that repeats (`aaaaaaaaaaaa`),
 * sequences, keyboard walks, the common-password list and passwords built from the account's own name
 * are refused. zxcvbn-ts (@zxcvbn-ts/core) with its language-common dictionaries and keyboard graphs.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MIN_PASSWORD_SCORE = 3;

/** Built on first use: the dictionaries take a moment to index, and most hub processes never create an account. */
let estimator: ZxcvbnFactory | undefined;

/** What zxcvbn's warning keys mean, in the words an administrator reads in the refusal. */
const WARNINGS: Readonly<Record<string, string>> = {
  straightRow: 'a row of keys on the keyboard',
  keyPattern: 'a keyboard pattern',
  simpleRepeat: 'a repeated character',
  extendedRepeat: 'a repeated pattern',
  sequences: 'a sequence such as abc or 6543',
  recentYears: 'a recent year',
  dates: 'a date',
  topTen: 'one of the most used passwords',
  topHundred: 'a very commonly used password',
  common: 'a commonly used password',
  similarToCommon: 'close to a commonly used password',
  wordByItself: 'a single word',
  namesByThemselves: 'a name',
  commonNames: 'a common name',
  userInputs: 'the account’s own name or the system’s',
  pwned: 'a password found in data breaches',
};

export interface PasswordWeakness {
  /** zxcvbn's score, 0 (guessed at once) to 4. */
  score: number;
  message: string;
}

/**
 * Null when the password is strong enough; else why not. `context`: words a guesser would try first
 * for this account (its user name, the municipality).
 */
export function passwordWeakness(password: string, context: readonly string[]): PasswordWeakness | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return { score: 0, message: `at least ${MIN_PASSWORD_LENGTH} characters` };
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  const result = estimator.check(password, [...context, 'kiosk', 'hub', 'admin', 'console']);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const warning = result.feedback.warning === null ? undefined : WARNINGS[result.feedback.warning];
  return {
    score: result.score,
    message: `too easy to guess${warning ? ` (${warning})` : ''}: choose a longer passphrase of unrelated words`,
  };
}

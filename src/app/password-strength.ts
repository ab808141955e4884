/**
 * How guessable a link password is, by zxcvbn-ts (dictionaries of common passwords, names and words,
 * keyboard patterns, sequences, repeats, dates). Only the resolver path that sets a password loads it,
 * through a dynamic import, so the resolver's cold start and the share view's bundle do not carry its
 * ~460 KB of dictionaries.
 *
 * The bar is zxcvbn score 2 (estimated ≥ 10^6 guesses): "password1", "P@ssw0rd", "qwerty123" and
 * "aaaaaaaa" fail; "correct horse", "open-sesame-42" pass. The password gate is an online attack
 * surface throttled per client and per link (bcrypt on every try), where 10^6 guesses are out of reach.
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

export const MIN_PASSWORD_SCORE = 2;

export interface PasswordStrength {
  /** 0 (top-10 password) … 4 (very unguessable). */
  score: number;
  /** Why it is guessable, in plain language ("It is one of the most common passwords."); empty when nothing stands out. */
  weakness: string;
}

/** zxcvbn's warning keys (the English texts live in a 1 MB language pack the bundle does without). */
const WEAKNESS: Record<string, string> = {
  topTen: 'It is one of the most common passwords.',
  topHundred: 'It is one of the most common passwords.',
  common: 'It is a commonly used password.',
  similarToCommon: 'It is very close to a commonly used password.',
  wordByItself: 'A single word is easy to guess.',
  namesByThemselves: 'Single names are easy to guess.',
  commonNames: 'Common names are easy to guess.',
  userInputs: 'It contains words from this page.',
  straightRow: 'Rows of keys on the keyboard are easy to guess.',
  keyPattern: 'Short keyboard patterns are easy to guess.',
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabc" are easy to guess.',
  sequences: 'Sequences like "abc" or "123" are easy to guess.',
  recentYears: 'Recent years are easy to guess.',
  dates: 'Dates are easy to guess.',
};

let estimator: Promise<ZxcvbnFactory> | undefined;

const loadEstimator = (): Promise<ZxcvbnFactory> => {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory: Factory }, common] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
    return new Factory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
  })();
  // A failed load is retried on the next call rather than remembered.
  estimator.catch(() => (estimator = undefined));
  return estimator;
};

/** zxcvbn only looks at the first 256 characters; link passwords are at most 72 bytes anyway. */
export const passwordStrength = async (password: string): Promise<PasswordStrength> => {
  const zxcvbn = await loadEstimator();
  const result = zxcvbn.check(password.slice(0, 256));
  const warning = result.feedback.warning;
  return { score: result.score, weakness: warning ? (WEAKNESS[warning] ?? '') : '' };
};

import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A share token is `<linkId><secret>`: a 22-char base64url link id (128 random bits) followed by a
 * 43-char base64url secret (256 random bits). Only SHA-256(token) is stored. The id part lets the view
 * load the link with one strongly consistent get (no index query), the secret part is the capability.
 */
export const LINK_ID_LENGTH = 22;
export const SECRET_LENGTH = 43;
export const TOKEN_LENGTH = LINK_ID_LENGTH + SECRET_LENGTH;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{65}$/;
const LINK_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

const toBase64Url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** Builds a new link id from 16 random bytes. */
export const newLinkId = (randomBytes: (n: number) => Uint8Array): string => toBase64Url(randomBytes(16));

/** Builds a token for `linkId` from 32 fresh random bytes. */
export const newToken = (linkId: string, randomBytes: (n: number) => Uint8Array): string =>
  linkId + toBase64Url(randomBytes(32));

export const isWellFormedToken = (value: string): boolean => TOKEN_PATTERN.test(value);
export const isWellFormedLinkId = (value: string): boolean => LINK_ID_PATTERN.test(value);

/** The link id carried by a well-formed token. */
export const linkIdOf = (token: string): string => token.slice(0, LINK_ID_LENGTH);

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Constant-time check that `token` hashes to `storedHash`. */
export const tokenMatches = (token: string, storedHash: string): boolean => {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

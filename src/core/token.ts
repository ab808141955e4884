import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

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

/**
 * The token kept for re-sharing: AES-256-GCM under the installation's key, bound to its link id (AAD), so
 * a sealed token copied onto another link does not open. Format `v1.<iv>.<ciphertext>.<tag>` (base64url).
 */
const SEAL_VERSION = 'v1';
const IV_BYTES = 12;

export const sealToken = (key: Uint8Array, linkId: string, token: string, iv: Uint8Array): string => {
  if (key.length !== 32) throw new Error('token key must be 32 bytes');
  if (iv.length !== IV_BYTES) throw new Error(`iv must be ${IV_BYTES} bytes`);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`ss-token|${linkId}`, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return [SEAL_VERSION, toBase64Url(iv), toBase64Url(ciphertext), toBase64Url(cipher.getAuthTag())].join('.');
};

/** The token sealed by sealToken for this link, or undefined when it does not decrypt (wrong key, link or tampering). */
export const openToken = (key: Uint8Array, linkId: string, sealed: string): string | undefined => {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== SEAL_VERSION) return undefined;
  try {
    const [iv, ciphertext, tag] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !ciphertext || !tag || iv.length !== IV_BYTES || tag.length !== 16) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(`ss-token|${linkId}`, 'utf8'));
    decipher.setAuthTag(tag);
    const token = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    return isWellFormedToken(token) && linkIdOf(token) === linkId ? token : undefined;
  } catch {
    return undefined;
  }
};

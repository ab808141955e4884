/**
 * The parts of an OpenID provider that the local demo identity provider (src/dev/demo-idp.ts) and the
 * test provider (test/support/oidc-provider.ts) share: metadata, RS256 signing keys, client
 * authentication, PKCE (S256) and ID token signing. Local mode and tests only; never deployed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface ProviderMetadataOptions {
  /** Advertise (and send) the RFC 9207 `iss` authorization response parameter. */
  issParameter: boolean;
}

/** The discovery document for an issuer whose endpoints live under `endpointBase`. */
export const providerMetadata = (issuer: string, endpointBase: string, options: ProviderMetadataOptions): Record<string, unknown> => ({
  issuer,
  authorization_endpoint: `${endpointBase}/authorize`,
  token_endpoint: `${endpointBase}/token`,
  jwks_uri: `${endpointBase}/jwks`,
  response_types_supported: ['code'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
  code_challenge_methods_supported: ['S256'],
  grant_types_supported: ['authorization_code'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  scopes_supported: ['openid', 'email', 'profile'],
  claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nonce', 'email', 'email_verified'],
  authorization_response_iss_parameter_supported: options.issParameter,
});

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public half as published in the JWKS (kid, alg, use set). */
  publicJwk: JWK;
  /** The private half, for persisting the key between starts. */
  privateJwk: JWK;
}

const publicPart = (jwk: JWK): JWK => ({ kty: jwk.kty, n: jwk.n, e: jwk.e });

export const generateSigningKey = async (kid: string): Promise<SigningKey> => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const privateJwk: JWK = { ...(await exportJWK(pair.privateKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey: pair.privateKey, privateJwk, publicJwk: { ...publicPart(privateJwk), kid, alg: 'RS256', use: 'sig' } };
};

/** Re-opens a key saved from `privateJwk`; throws when it is not an RSA private key. */
export const importSigningKey = async (privateJwk: JWK): Promise<SigningKey> => {
  if (privateJwk.kty !== 'RSA' || !privateJwk.d || typeof privateJwk.kid !== 'string') throw new Error('not an RSA private JWK with a kid');
  const privateKey = await importJWK(privateJwk, 'RS256');
  if (privateKey instanceof Uint8Array) throw new Error('not an asymmetric key');
  const kid = privateJwk.kid;
  return { kid, privateKey, privateJwk, publicJwk: { ...publicPart(privateJwk), kid, alg: 'RS256', use: 'sig' } };
};

export const signIdToken = (key: SigningKey, payload: Record<string, unknown>): Promise<string> =>
  new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);

export interface PresentedClient {
  method: 'basic' | 'post' | 'none';
  clientId: string | null;
  clientSecret: string | null;
}

/** application/x-www-form-urlencoded decoding, as RFC 6749 §2.3.1 applies to Basic credentials. */
const formDecode = (value: string): string | null => {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
};

/** The client credentials of a token request: HTTP Basic (client_secret_basic) or form fields (client_secret_post). */
export const presentedClient = (authorization: string | undefined, form: URLSearchParams): PresentedClient => {
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    if (sep < 0) return { method: 'basic', clientId: null, clientSecret: null };
    return { method: 'basic', clientId: formDecode(decoded.slice(0, sep)), clientSecret: formDecode(decoded.slice(sep + 1)) };
  }
  if (form.get('client_secret')) return { method: 'post', clientId: form.get('client_id'), clientSecret: form.get('client_secret') };
  return { method: 'none', clientId: form.get('client_id'), clientSecret: null };
};

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison of two secrets of any length. */
export const sameSecret = (presented: string | null, expected: string): boolean =>
  presented !== null && timingSafeEqual(digest(presented), digest(expected));

/** The RFC 7636 S256 check: BASE64URL(SHA256(verifier)) === challenge, with a well-formed verifier. */
export const pkceS256Matches = (verifier: string | null, challenge: string): boolean => {
  if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const computed = createHash('sha256').update(verifier, 'ascii').digest('base64url');
  return challenge.length === computed.length && timingSafeEqual(Buffer.from(computed), Buffer.from(challenge));
};

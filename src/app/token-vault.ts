import { openToken, sealToken } from '../core/token';
import type { AppDeps } from './deps';

/**
 * The per-installation key that seals share tokens (AES-256-GCM), kept in secret storage: a dump of the
 * link store alone reveals no working URL. Created on first use with create-only semantics, so concurrent
 * first uses agree on one key.
 */
export const TOKEN_KEY_SECRET = 'link-token-key';

const loadTokenKey = async (deps: Pick<AppDeps, 'store' | 'random'>, create: boolean): Promise<Buffer | undefined> => {
  const existing = await deps.store.secrets.get(TOKEN_KEY_SECRET);
  if (existing) return Buffer.from(existing, 'base64url');
  if (!create) return undefined;
  const created = Buffer.from(deps.random.bytes(32)).toString('base64url');
  if (await deps.store.secrets.createIfAbsent(TOKEN_KEY_SECRET, created)) return Buffer.from(created, 'base64url');
  const stored = await deps.store.secrets.get(TOKEN_KEY_SECRET);
  if (!stored) throw new Error('link token key could not be stored');
  return Buffer.from(stored, 'base64url');
};

/** The token sealed for storage on its link. */
export const sealLinkToken = async (deps: Pick<AppDeps, 'store' | 'random'>, linkId: string, token: string): Promise<string> => {
  const key = await loadTokenKey(deps, true);
  if (!key) throw new Error('link token key missing');
  return sealToken(key, linkId, token, deps.random.bytes(12));
};

/** The link's token, or undefined when none was kept or it no longer opens (key gone after a reset). */
export const openLinkToken = async (
  deps: Pick<AppDeps, 'store' | 'random'>,
  link: { id: string; tokenSealed?: string | null | undefined },
): Promise<string | undefined> => {
  if (typeof link.tokenSealed !== 'string') return undefined;
  const key = await loadTokenKey(deps, false);
  return key ? openToken(key, link.id, link.tokenSealed) : undefined;
};

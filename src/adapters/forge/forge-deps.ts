/**
 * Forge composition root: AppDeps over @forge/kvs, Confluence REST (asApp / asUser), HTTPS mail
 * through @forge/api fetch (egress declared in manifest.yml), crypto randomness and the system clock.
 * Built per invocation: nothing tenant-specific may live in module globals (warm runtimes are reused
 * across installations, forge-facts §7).
 */
import { randomBytes } from 'node:crypto';
import { asApp, asUser, assumeTrustedRoute, fetch as forgeFetch, webTrigger } from '@forge/api';
import { kvs } from '@forge/kvs';
import type { AppDeps } from '../../app/deps';
import type { Clock, Random } from '../../app/ports';
import { DomainError } from '../../core/errors';
import { createSettingsMailer, type FetchLike } from '../mail';
import { createForgeJobs } from './background-jobs';
import { createConfluenceRest, type RequestFn } from './confluence-rest';
import { createKvsStore } from './kvs-store';
import { createForgePlatformChecks } from './platform-checks';
import { withRateLimitRetry } from './kvs-rate-limit';
import { lookUpShareBaseUrl, readStoredShareBaseUrl, type PlainKvs } from './share-base-url';

export { normalizeBaseUrl } from './share-base-url';

/** Module key of the share web trigger in manifest.yml. */
export const SHARE_WEBTRIGGER_KEY = 'share-endpoint';

export interface ForgeIdentity {
  /** The invoking user from the resolver context; absent in web trigger, event and scheduled functions. */
  accountId?: string;
}

export interface ForgeDepsOptions {
  /**
   * 'look-up' (resolvers, events, sweep): the stored web trigger URL, asking the platform once when none
   * is stored. 'stored-only' (the web trigger itself): the stored URL only, never `webTrigger.getUrl`;
   * rejects when nothing is stored yet (src/share.ts checks for that before the view runs).
   */
  shareBaseUrl?: 'look-up' | 'stored-only';
}

const systemClock: Clock = { now: () => Date.now() };
const cryptoRandom: Random = { bytes: (length) => new Uint8Array(randomBytes(length)) };

// confluence-rest validates and percent-encodes every dynamic segment and only follows same-endpoint
// pagination links, so its paths are trusted here (the `route` tag cannot take a prebuilt path).
const appRequest: RequestFn = (path, init) => asApp().requestConfluence(assumeTrustedRoute(path), init);
const userRequest: RequestFn = (path, init) => asUser().requestConfluence(assumeTrustedRoute(path), init);
const noUserRequest: RequestFn = () =>
  Promise.reject(new DomainError('unauthenticated', 'This action needs a signed-in Confluence user.'));

const mailFetch: FetchLike = (url, init) => forgeFetch(url, init);
/**
 * Identity-provider calls (OIDC discovery, token, JWKS) through @forge/api's fetch, the platform's
 * egress-checked client, never the global fetch (test/forge-runtime/packaged-egress.test.ts).
 */
const idpFetch = (url: string, init?: RequestInit): Promise<Response> =>
  forgeFetch(url, init as Parameters<typeof forgeFetch>[1]) as unknown as Promise<Response>;

const storedOnly = async (plainKvs: PlainKvs): Promise<string> => {
  const stored = await readStoredShareBaseUrl(plainKvs);
  if (!stored) throw new DomainError('store_unavailable', 'The share URL is not stored yet.');
  return stored;
};

export const createForgeDeps = (identity: ForgeIdentity = {}, options: ForgeDepsOptions = {}): AppDeps => {
  const store = createKvsStore(kvs, { clock: systemClock });
  const { content, rights } = createConfluenceRest(
    { asApp: appRequest, asUser: identity.accountId ? userRequest : noUserRequest },
    identity.accountId ? { invokingAccountId: identity.accountId } : {},
  );
  const mailer = createSettingsMailer(async () => (await store.configs.getSite())?.email, store.secrets, mailFetch);
  let baseUrl: Promise<string> | undefined;
  // Throttled (429) reads and writes are repeated, as kvs-store does for its own requests.
  const retryingKvs = withRateLimitRetry(kvs);
  return {
    store,
    content,
    rights,
    mailer,
    clock: systemClock,
    random: cryptoRandom,
    // Stored once (share-base-url.ts); the custom domain, when set, replaces it in the use cases.
    shareBaseUrl: () => {
      if (baseUrl) return baseUrl;
      const pending =
        options.shareBaseUrl === 'stored-only' ? storedOnly(retryingKvs) : lookUpShareBaseUrl(retryingKvs, () => webTrigger.getUrl(SHARE_WEBTRIGGER_KEY));
      baseUrl = pending;
      // A failed look-up is not remembered: the next call in this invocation tries again.
      pending.catch(() => {
        if (baseUrl === pending) baseUrl = undefined;
      });
      return pending;
    },
    bcryptRounds: 10,
    fetch: idpFetch,
    platformChecks: createForgePlatformChecks(retryingKvs),
    jobs: createForgeJobs(),
  };
};

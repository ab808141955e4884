/**
 * The hosts Secure Share's backend must reach for the configured identity provider, read from its
 * discovery document, so the global settings can ask for egress to every one of them (not only the
 * issuer's host: Google, for one, serves tokens and keys from other hosts).
 */
import { defaultSiteSettings } from '../core/defaults';
import { authorizeSiteAdmin, type Caller } from './authorize';
import type { AppDeps } from './deps';
import { loopbackIssuerOrigin } from './loopback-issuer';
import { outboundFetch } from './outbound-fetch';

export interface SsoProviderOrigins {
  /** https origins, the issuer's first; empty when no provider is configured. */
  origins: string[];
  /** Why discovery failed (plain language), or null. The issuer's origin is still listed then. */
  problem: string | null;
}

export const discoverSsoOrigins = async (deps: AppDeps, caller: Caller): Promise<SsoProviderOrigins> => {
  await authorizeSiteAdmin(deps, caller);
  const site = (await deps.store.configs.getSite()) ?? defaultSiteSettings(deps.clock.now());
  if (!site.sso) return { origins: [], problem: null };
  const { issuer, clientId, scopes } = site.sso;
  const { discoverProviderOrigins, OidcError } = await import('../web/oidc');
  try {
    const origins = await discoverProviderOrigins(
      {
        fetch: outboundFetch(deps),
        now: () => deps.clock.now(),
        randomBytes: (n) => deps.random.bytes(n),
        ephemeral: deps.store.ephemeral,
        clientSecret: async () => undefined,
        loopbackIssuerOrigin: await loopbackIssuerOrigin(deps),
      },
      { issuer, clientId, scopes },
    );
    return { origins, problem: null };
  } catch (error) {
    const detail = error instanceof OidcError ? error.detail : 'unexpected error';
    const issuerOrigin = URL.canParse(issuer) ? [new URL(issuer).origin] : [];
    return { origins: issuerOrigin, problem: `The provider's configuration could not be read (${detail}).` };
  }
};

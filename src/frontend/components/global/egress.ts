/**
 * Customer-managed egress (Forge EAP/Preview): hosts only the customer knows (a mail webhook, an OIDC
 * issuer) must be approved at runtime by an admin. `permissions.egress.set` opens Atlassian's consent
 * dialog; it resolves when the admin approves and rejects when they decline, are not an admin, or the
 * app is not enrolled (manifest: permissions.external.configurable.enabled).
 */
import { permissions, type EgressSetPayload } from '@forge/bridge';

type EgressTypeValue = EgressSetPayload['egresses'][number]['configured'][number]['type'][number];
/** EgressType.FetchBackendSide of @forge/egress (the frontend only imports @forge/bridge and @forge/react). */
const FETCH_BACKEND_SIDE = 'FETCH_BACKEND_SIDE' as EgressTypeValue;

export const EGRESS_GROUPS = {
  emailWebhook: {
    key: 'secure-share-email-webhook',
    what: 'the email webhook',
    description: 'Secure Share sends share-link emails to this webhook.',
  },
  ssoIssuer: {
    key: 'secure-share-sso-issuer',
    what: 'the identity provider',
    description: 'Secure Share signs external recipients in with this OpenID Connect identity provider.',
  },
} as const;

export type EgressGroup = (typeof EGRESS_GROUPS)[keyof typeof EGRESS_GROUPS];

export type EgressOutcome =
  | { status: 'approved' | 'already_approved' | 'unconfirmed'; origins: string[] }
  | { status: 'failed' | 'unavailable'; origins: string[]; reason: string };

/** `https://hooks.acme.com` (scheme, host and port): what the consent dialog names and the platform matches. */
export const egressOriginOf = (url: string): string | null => {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
};

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : typeof error === 'string' ? error : 'no reason given');

/** Whether an egress answer lists every one of `origins` under the group. */
const listsAll = (answer: { results?: Array<{ key: string; configured: Array<{ domain: string }> }> } | undefined, group: EgressGroup, origins: string[]): boolean => {
  const domains = new Set((answer?.results ?? []).filter((g) => g.key === group.key).flatMap((g) => g.configured.map((c) => c.domain)));
  return origins.every((origin) => domains.has(origin));
};

const alreadyApproved = async (group: EgressGroup, origins: string[]): Promise<boolean> => {
  try {
    return listsAll(await permissions.egress.get({ keys: [group.key] }), group, origins);
  } catch {
    // Reading is only an optimisation (no second consent dialog for the same host); set decides.
    return false;
  }
};

/**
 * Asks for backend egress to the origins of `urls`, as the only hosts of `group` (a new webhook or
 * provider replaces the old ones). Never throws: the caller shows the outcome next to the saved settings.
 */
export const requestEgress = async (group: EgressGroup, urls: readonly string[]): Promise<EgressOutcome | null> => {
  const origins = [...new Set(urls.map(egressOriginOf).filter((origin): origin is string => origin !== null))];
  if (origins.length === 0) return null;
  if (typeof permissions?.egress?.set !== 'function') {
    return { status: 'unavailable', origins, reason: 'This Forge bridge has no customer-managed egress API.' };
  }
  if (await alreadyApproved(group, origins)) return { status: 'already_approved', origins };
  try {
    const answer = await permissions.egress.set({
      egresses: [{ key: group.key, description: group.description, configured: origins.map((domain) => ({ domain, type: [FETCH_BACKEND_SIDE] })) }],
    });
    return { status: listsAll(answer, group, origins) ? 'approved' : 'unconfirmed', origins };
  } catch (error) {
    return { status: 'failed', origins, reason: reasonOf(error) };
  }
};

/** "a", "a and b", "a, b and c". */
export const listOf = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

export interface SaveNotice {
  appearance: 'success' | 'information' | 'warning';
  title: string;
  text: string;
}

/** What the admin needs to know after the save, or null when nothing changed for them. */
export const egressNotice = (group: EgressGroup, outcome: EgressOutcome | null): SaveNotice | null => {
  if (outcome === null || outcome.status === 'already_approved') return null;
  const origin = listOf(outcome.origins);
  switch (outcome.status) {
    case 'approved':
      return { appearance: 'success', title: `Outbound access to ${origin} approved`, text: `Secure Share can now reach ${group.what}.` };
    case 'unconfirmed':
      return {
        appearance: 'information',
        title: `Access to ${origin} requested`,
        text: `Confluence did not confirm the approval. If ${group.what} cannot be reached, approve ${origin} for Secure Share in the app's egress settings (Manage apps) and save again.`,
      };
    case 'failed':
    case 'unavailable':
      return {
        appearance: 'warning',
        title: `Secure Share may not reach ${origin}`,
        text: `The settings were saved, but outbound access to ${origin} was not approved (${outcome.reason}). Until a Confluence admin approves it, requests to ${group.what} are blocked. Save again to retry the approval.`,
      };
  }
};

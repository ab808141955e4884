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
  | { status: 'approved' | 'already_approved' | 'unconfirmed'; origin: string }
  | { status: 'failed' | 'unavailable'; origin: string; reason: string };

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

const alreadyApproved = async (group: EgressGroup, origin: string): Promise<boolean> => {
  try {
    const current = await permissions.egress.get({ keys: [group.key] });
    return (current?.results ?? []).some((g) => g.key === group.key && g.configured.some((c) => c.domain === origin));
  } catch {
    // Reading is only an optimisation (no second consent dialog for the same host); set decides.
    return false;
  }
};

/**
 * Asks for backend egress to the origin of `url`, as the only host of `group` (a new webhook or issuer
 * replaces the old one). Never throws: the caller shows the outcome next to the saved settings.
 */
export const requestEgress = async (group: EgressGroup, url: string): Promise<EgressOutcome | null> => {
  const origin = egressOriginOf(url);
  if (origin === null) return null;
  if (typeof permissions?.egress?.set !== 'function') {
    return { status: 'unavailable', origin, reason: 'This Forge bridge has no customer-managed egress API.' };
  }
  if (await alreadyApproved(group, origin)) return { status: 'already_approved', origin };
  try {
    const answer = await permissions.egress.set({
      egresses: [{ key: group.key, description: group.description, configured: [{ domain: origin, type: [FETCH_BACKEND_SIDE] }] }],
    });
    const stored = answer?.results?.some((g) => g.key === group.key && g.configured.some((c) => c.domain === origin)) ?? false;
    return { status: stored ? 'approved' : 'unconfirmed', origin };
  } catch (error) {
    return { status: 'failed', origin, reason: reasonOf(error) };
  }
};

export interface SaveNotice {
  appearance: 'success' | 'information' | 'warning';
  title: string;
  text: string;
}

/** What the admin needs to know after the save, or null when nothing changed for them. */
export const egressNotice = (group: EgressGroup, outcome: EgressOutcome | null): SaveNotice | null => {
  if (outcome === null || outcome.status === 'already_approved') return null;
  const { origin } = outcome;
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

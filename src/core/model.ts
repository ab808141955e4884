/**
 * Domain model of Secure Share. Pure types: no I/O, no @forge imports.
 * All instants are epoch milliseconds (adapters convert where a platform needs seconds).
 */

/** What a recipient may do with comments or attachments, ordered none < view < view_add. */
export type AccessLevel = 'none' | 'view' | 'view_add';
export const ACCESS_LEVELS: readonly AccessLevel[] = ['none', 'view', 'view_add'];

export type PasswordRule = 'optional' | 'mandatory';

/** Expiry rule of a policy level: optional, mandatory, or mandatory with a maximum lifetime in days. */
export type ExpiryRule =
  | { kind: 'optional' }
  | { kind: 'mandatory' }
  | { kind: 'custom'; maxDays: number };

/** The settings a policy level (global default configuration or a space configuration) holds. */
export interface PolicySettings {
  comments: AccessLevel;
  attachments: AccessLevel;
  /** Child pages allowed (a cap when the level is enforced). */
  childPages: boolean;
  /**
   * New links start with child pages ON. Separate from "allowed": allowing never switches sharing on by
   * itself. Absent in configurations stored before the setting existed, which reads as off.
   */
  childPagesOnByDefault?: boolean;
  /** May a link share child pages whose view is restricted in Confluence (still subject to the link's own opt-in). */
  restrictedChildPages: boolean;
  /** New links start with restricted child pages ON (only with child pages on by default, and allowed). */
  restrictedChildPagesOnByDefault?: boolean;
  password: PasswordRule;
  expiry: ExpiryRule;
  enforceSso: boolean;
  /** Emails (`ann@acme.com`) and domains (`@acme.com`); empty = no restriction at this level. */
  selectedUsers: string[];
}

/** Confluence admin's "Default link configuration". */
export interface GlobalConfig extends PolicySettings {
  /** Master switch: when false no link of the site opens and none can be created. */
  sharingEnabled: boolean;
  /** ON = these settings are ceilings/requirements; OFF = only defaults for the new-link form. */
  applyOnAllLinks: boolean;
  version: number;
  updatedAt: number;
  updatedBy: string | null;
}

/** Space admin's "Space configuration". */
export interface SpaceConfig extends PolicySettings {
  spaceKey: string;
  sharingEnabled: boolean;
  /** ON = these settings are ceilings/requirements for the space's links; OFF = only defaults. */
  applyOnSpaceLinks: boolean;
  /**
   * The named configuration a Confluence admin assigned to the space ('default' = the default link
   * configuration). Absent = none assigned: the configuration for new spaces applies.
   */
  configId?: string;
  /**
   * The space's own settings above apply (its admins saved them); otherwise the assigned configuration does.
   * Absent in records stored before configurations could be assigned: then version > 0 means own settings.
   */
  ownSettings?: boolean;
  version: number;
  updatedAt: number;
  updatedBy: string | null;
}

export type LinkStatus = 'active' | 'disabled';

/**
 * What a link shares: a page (optionally its tree) or a whole space (the space's page tree from its root
 * pages). A space link is anchored on the space's home page (its pageId), so per-page lists and lifecycle
 * apply to it unchanged; child pages are implied.
 */
export type LinkScope = 'page' | 'space';
export const LINK_SCOPES: readonly LinkScope[] = ['page', 'space'];

/** Links stored before whole-space sharing existed have no scope: they share a page. */
export const linkScopeOf = (link: { scope?: LinkScope | undefined }): LinkScope => (link.scope === 'space' ? 'space' : 'page');

/** Where the shared page stands in Confluence, as last learned from events or reads. */
export type PageState = 'current' | 'trashed' | 'deleted';

/** The fields an editor chooses for a link (create/edit form). */
export interface LinkSettings {
  name: string;
  description: string;
  comments: AccessLevel;
  attachments: AccessLevel;
  includeChildren: boolean;
  withLabels: string[];
  withoutLabels: string[];
  shareRestrictedChildren: boolean;
  showCreator: boolean;
  allowSubscribe: boolean;
  /** Epoch ms, or null for no expiry. */
  expiresAt: number | null;
  allowedIps: string[];
  selectedUsers: string[];
  requireSso: boolean;
}

/**
 * A stored share link. The token is looked up by its SHA-256 (hex); the token itself is kept only sealed
 * (AES-256-GCM under the installation key in secret storage) so people with rights can copy it again.
 */
export interface ShareLink extends LinkSettings {
  id: string;
  tokenHash: string;
  /** The sealed token (see core/token.ts sealToken); absent or null for links created before re-sharing existed. */
  tokenSealed?: string | null;
  /** A space link shares the space's whole page tree from its home page (pageId); absent on older links = 'page'. */
  scope?: LinkScope;
  pageId: string;
  spaceKey: string;
  /**
   * The id of the space the shared page was in when the link was created or last saved. The view refuses the
   * link when the page is in another space now (it would be served under the old space's policy); absent on
   * older links (the view then reads the space by key).
   */
  spaceId?: string;
  pageTitle: string;
  createdBy: string;
  /** The creator's display name, read once when the link was created; absent or null on older links (lists then look it up). */
  createdByName?: string | null;
  createdAt: number;
  updatedAt: number;
  /** Optimistic-concurrency version, +1 on every write. */
  version: number;
  /** Session epoch: bumped on rotate/disable/password change so earlier sessions die. */
  epoch: number;
  status: LinkStatus;
  /** bcrypt hash, or null when the link has no password. */
  passwordHash: string | null;
  pageState: PageState;
  /**
   * When a view found that the link's creator can no longer read the shared page (the link then does
   * not open; lists say why); absent or null while they can. The view re-checks on every request.
   */
  creatorLostAccessAt?: number | null;
}

/** A link as shown to editors/admins: never carries tokenHash or passwordHash. */
export interface LinkView extends LinkSettings {
  id: string;
  /** 'space': the link shares the whole space (lists show "Whole space" instead of the page title). */
  scope: LinkScope;
  pageId: string;
  spaceKey: string;
  pageTitle: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  version: number;
  status: LinkStatus;
  pageState: PageState;
  hasPassword: boolean;
  /** The app can give its URL again (copy, email); false for links created before tokens were kept sealed. */
  urlAvailable: boolean;
  /** Derived at read time from the effective policy and the clock. */
  effectiveStatus: 'active' | 'disabled' | 'expired' | 'non_compliant' | 'page_removed' | 'sharing_disabled';
  /** Human-readable reasons when effectiveStatus is non_compliant. */
  violations: string[];
  /** The common part the view uses when the policy's selected users narrowed the link's own list; null when not narrowed. */
  selectedUsersNarrowedTo: string[] | null;
}

/** Site-wide settings that are not policy: branding, domain, mail, SSO provider, network. */
export interface SiteSettings {
  customization: {
    showHeading: boolean;
    heading: string;
    /** data: URL (image/png|jpeg|gif|svg+xml is refused for svg) or https URL. */
    logoUrl: string | null;
    faviconUrl: string | null;
    showFooter: boolean;
    footerText: string;
  };
  /** e.g. https://share.acme.com — replaces the web trigger URL in every link the app shows. */
  customDomain: string | null;
  /** Name of the request header carrying the client IP (must be verified on a real site). */
  clientIpHeader: string;
  sso: {
    issuer: string;
    clientId: string;
    /** Reference to the secret in secret storage; never returned to the UI. */
    hasClientSecret: boolean;
    scopes: string;
  } | null;
  email: {
    /** `graph` (Microsoft Graph sendMail) and `gmail` (Gmail API) send from the organisation's own mailbox. */
    provider: 'none' | 'sendgrid' | 'mailgun' | 'postmark' | 'ses' | 'resend' | 'graph' | 'gmail' | 'webhook' | 'outbox';
    fromAddress: string;
    fromName: string;
    /** Provider-specific non-secret options (region, domain, webhook url...). */
    options: Record<string, string>;
  };
  notifications: {
    openedAlert: boolean;
    expiryReminderDays: number;
  };
  auditRetentionDays: number;
  version: number;
  updatedAt: number;
}

/** Every audit action, in the order the audit log's filter offers them. */
export const AUDIT_ACTIONS = [
  'link_created',
  'link_updated',
  'link_disabled',
  'link_enabled',
  'link_rotated',
  /** Someone with rights on the link was given its URL again (copy or email without rotating). */
  'link_url_shown',
  'link_deleted',
  'links_reset',
  /** A full reset: every link and all settings deleted (before it existed, full resets were links_reset with a "full reset:" detail). */
  'full_reset',
  'policy_global_changed',
  'policy_space_changed',
  'settings_changed',
  /** A Confluence admin exported the audit log as CSV (started, then ready or failed; never the download URL). */
  'audit_exported',
  /** A Confluence admin exported the links list as CSV (started, then ready or failed; never the download URL). */
  'links_exported',
  'view_allowed',
  'view_denied',
  'gate_passed',
  'gate_failed',
  'code_sent',
  'comment_added',
  'attachment_added',
  'subscribed',
  'unsubscribed',
  'page_trashed',
  'page_restored',
  'page_deleted',
  'notification_sent',
  /** An editor/admin call refused for lack of rights (resolver edge). */
  'access_denied',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Append-only audit entry. Never holds tokens, passwords, codes or full email addresses. */
export interface AuditEntry {
  id: string;
  at: number;
  action: AuditAction;
  /** accountId for editors/admins; 'visitor' or a masked email for recipients; 'app' for the system. */
  actor: string;
  linkId: string | null;
  pageId: string | null;
  spaceKey: string | null;
  detail: string;
  /** Aggregation count for noisy events (gate failures, views) within one window. */
  count: number;
  /**
   * Names known when the entry was written (link name, page title, space name), so the log reads in words
   * without a lookup; absent on older entries (src/app/audit-names.ts resolves those in bulk).
   */
  names?: AuditEntryNames;
}

export interface AuditEntryNames {
  link?: string;
  page?: string;
  space?: string;
}

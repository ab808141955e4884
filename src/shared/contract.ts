/**
 * The resolver contract shared by the backend (src/app/resolvers) and the UI Kit frontend.
 * Type-only apart from RESOLVER_KEYS: the frontend imports it with `import type` (or the key list).
 * Every resolver answers with a ResolverResult envelope; links are always LinkView (no hashes, no tokens);
 * the full share URL comes from createLink, rotateLink and getLinkUrl only.
 */
import type { DiagnosticsResults, RunDiagnosticsResult } from '../app/diagnostics';
import type { ErrorCode, ErrorDetail } from '../core/errors';
import type { AuditNames } from '../core/audit-sentences';
import type { SelectedUsersCombination } from '../core/selected-users';
import type {
  AssignResult,
  ClassificationSettingsResult,
  ConfigurationsResult,
  ImpactRequest,
  NamedConfigInput,
  PolicyImpactResult,
  SpaceConfigurationView,
} from './configurations-contract';
import type {
  AccessLevel,
  AuditAction,
  AuditEntry,
  ExpiryRule,
  GlobalConfig,
  LinkScope,
  LinkSettings,
  LinkStatus,
  LinkView,
  PolicySettings,
  SiteSettings,
  SpaceConfig,
} from '../core/model';

export type { ErrorCode, ErrorDetail };

export type ResolverResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ErrorCode; message: string; details: ErrorDetail[] } };

/** One page of a cursor-paginated list; `nextCursor` is absent on the last page. */
/** A page of the audit log with the names of its people, links, pages and spaces (resolved in bulk; see core/audit-sentences). */
export type AuditLogPage = CursorPage<AuditEntry> & { names?: AuditNames };

export interface CursorPage<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * The policy that applies to one page's links, after global → space combination, in a form the UI can
 * show ("Password required by the space policy").
 */
export interface EffectivePolicyView {
  /** False when the global master switch or the space switch is off; no link opens or can be created. */
  sharingEnabled: boolean;
  /** Which level switched sharing off, when it is off. */
  sharingDisabledBy: 'global' | 'space' | null;
  /** Caps: a link may not exceed these. */
  comments: AccessLevel;
  attachments: AccessLevel;
  childPages: boolean;
  restrictedChildPages: boolean;
  passwordRequired: boolean;
  /** 'optional', 'mandatory', or mandatory with a maximum lifetime. */
  expiry: ExpiryRule;
  ssoRequired: boolean;
  /** Effective selected-users list (emails and @domains); empty = no restriction from policy. */
  selectedUsers: string[];
  /** Which levels are enforced (their settings are ceilings, not only defaults). */
  enforced: { global: boolean; space: boolean };
}

/** How the space selected-users list combines with the global one (External Share rule). */
export type SelectedUsersPreview = SelectedUsersCombination;

/** Editable link fields; every field optional on create (the policy-derived form defaults fill the rest). */
export type LinkSettingsInput = Partial<Omit<LinkSettings, 'expiresAt'>> & {
  /** Epoch ms, an ISO-8601 instant with `Z` or an offset, or null for no expiry. */
  expiresAt?: number | string | null;
};

export type PasswordChange = { action: 'keep' } | { action: 'set'; password: string } | { action: 'clear' };

/** The policy fields an admin edits for the global default configuration or a space. */
export type PolicySettingsInput = PolicySettings;

export interface GlobalConfigInput extends PolicySettingsInput {
  sharingEnabled: boolean;
  applyOnAllLinks: boolean;
}

export interface SpaceConfigInput extends PolicySettingsInput {
  sharingEnabled: boolean;
  applyOnSpaceLinks: boolean;
}

/** Site settings as edited; secrets travel separately and are write-only. */
export type SiteSettingsInput = Omit<SiteSettings, 'version' | 'updatedAt' | 'sso'> & {
  sso: { issuer: string; clientId: string; scopes: string } | null;
};

/** Write-only secret field: absent = keep, string = replace, null = delete. */
export type SecretInput = string | null | undefined;

/**
 * A link as the lists show it (page dialog, space and site tables): the creator's display name is
 * resolved once per distinct creator; null when Confluence cannot tell it (unknown or failed lookup).
 * `stats`: the link's view counts, sent with the list that shows them (review rubric CST-01: the screen
 * needs no second call); absent when they could not be read, and the UI then asks getLinkStats.
 */
/** `spaceName`: in site-wide lists, the space's name when it could be read. */
export type LinkListItem = LinkView & { createdByName: string | null; stats?: LinkStatsView; spaceName?: string };

export interface PageSharingResult {
  /** `spaceHome`: the page is its space's home page, from which the whole space can be shared. */
  page: { id: string; title: string; spaceKey: string; spaceHome?: { name: string } };
  links: LinkListItem[];
  policy: EffectivePolicyView;
  /** What the new-link form starts from (policy defaults, clamped to the caps). */
  defaults: LinkSettings;
  /** The form starts with password protection switched on (policy default or requirement). */
  passwordSuggested: boolean;
  /** False when sharing is disabled for this page's space or site. */
  canCreate: boolean;
}

export interface CreatedLinkResult {
  link: LinkView;
  /** The full share URL with its token (getLinkUrl gives the same URL again later). */
  url: string;
}

/** "What will be shared": the pages a link shows (first 200 by name, in tree order) and the hidden ones by reason. */
export interface LinkPreviewResult {
  pages: Array<{ id: string; title: string; depth: number }>;
  shownCount: number;
  hidden: { labelFilter: number; restricted: number; notReadable: number; overCap: number };
  /** The tree reached the cap: more pages exist than were read. */
  capped: boolean;
  childPagesOff: boolean;
  /** The editor asked for child pages but the policy does not allow them. */
  childPagesNotAllowed: boolean;
}

/** What "Notify newly added users" did on save: who was emailed, or why nobody was. */
export interface NotifyOutcome {
  sent: number;
  /** The newly added addresses the email was meant for. */
  recipients: string[];
  problem: string | null;
}

/** The same URL again, for anyone with rights on the link; null (with the reason) for links from before re-sharing. */
export interface LinkUrlResult {
  linkId: string;
  url: string | null;
  unavailableReason: string | null;
}

export interface SpaceConfigResult {
  /** `homepageId`: the space's home page, from which the whole space is shared (null when Confluence does not tell). */
  space: { key: string; name: string; homepageId?: string | null };
  config: SpaceConfig;
  /** Which configuration applies to the space's links, and why (its own settings, an assigned one, the default). */
  configuration?: SpaceConfigurationView;
  /** Global configuration as it bears on this space (read-only for space admins). */
  global: Pick<GlobalConfig, 'sharingEnabled' | 'applyOnAllLinks'> & PolicySettingsInput;
  effective: EffectivePolicyView;
  selectedUsers: SelectedUsersPreview;
  /**
   * The first page of the space's links as the settings screen first lists them (no filter,
   * SPACE_LINKS_FIRST_PAGE links, with their stats), so opening space settings is one call; absent when
   * the list could not be read, and the screen then asks listSpaceLinks.
   */
  links?: CursorPage<LinkListItem>;
}

/** How many links space settings lists per page (the first page comes with getSpaceConfig). */
export const SPACE_LINKS_FIRST_PAGE = 20;

export interface SiteSettingsResult {
  settings: SiteSettings;
  secrets: { ssoClientSecret: boolean; emailApiKey: boolean };
  /** What the test panels of the email, SSO and custom-domain sections show (absent if it could not be read). */
  setup?: import('../app/setup').SetupStatus;
}

export interface LinkListFilter {
  cursor?: string;
  /** 1..100, default 50. */
  limit?: number;
  status?: LinkStatus;
  /** Only links whose effective status is non_compliant. */
  nonCompliant?: boolean;
  /** Case-insensitive match on link name, page title or creator accountId/display name. */
  search?: string;
  /** Only links created by this account. */
  createdBy?: string;
  /** Only links expiring within this range (epoch ms, inclusive); links that never expire are left out. */
  expiresFrom?: number;
  expiresUntil?: number;
}

/** What a console's bulk action does to the selected links. */
export type BulkLinkAction = 'disable' | 'enable' | 'delete';

/** `changed`: links this call changed; `unchanged`: already in that state; `notFound`: unknown (or of another space). */
export interface BulkLinkResult {
  action: BulkLinkAction;
  changed: string[];
  unchanged: string[];
  notFound: string[];
}

/** What the console's edit form needs for one link (its space's policy, whether the caller edits the page). */
export interface LinkEditContext {
  link: LinkListItem;
  policy: EffectivePolicyView;
  passwordSuggested: boolean;
  /** The caller can edit the page too (else the right comes from administering the space or the site). */
  pageEditable: boolean;
}

export interface AuditLogFilter {
  linkId?: string;
  spaceKey?: string;
  action?: AuditAction;
  since?: number;
  until?: number;
}

export type AuditExportStatus = 'queued' | 'running' | 'ready' | 'failed';

/** One file of a ready export: a signed download URL of the share endpoint, valid until `urlsExpireAt`. */
export interface AuditExportDownload {
  /** 1-based; an export larger than one web response (about 4 MB) comes in several parts. */
  part: number;
  filename: string;
  url: string;
  rows: number;
  bytes: number;
}

export interface AuditExportView {
  exportId: string;
  status: AuditExportStatus;
  /** Entries written so far (all of them once ready). */
  rows: number;
  /** Time of the oldest entry written so far (the export runs newest first); null before the first. */
  reachedAt: number | null;
  /** Plain words why the export failed ('failed' only). */
  message: string | null;
  /** The export stopped at its row limit; narrow the dates for the rest. */
  truncated: boolean;
  /** 'ready' only: one download per part. */
  downloads: AuditExportDownload[];
  /** When the download URLs stop working (epoch ms); null unless ready. */
  urlsExpireAt: number | null;
  createdAt: number;
}

export interface ResolverContract {
  getPageSharing: { payload: { pageId: string }; result: PageSharingResult };
  /** `notifyNewUsers`: email the link to each address of the selected users (never the password). */
  createLink: {
    /** scope 'space': share the whole space (pageId must be the space's home page). */
    payload: { pageId: string; scope?: LinkScope; settings: LinkSettingsInput; password?: string; notifyNewUsers?: { message?: string } };
    result: CreatedLinkResult & { notified?: NotifyOutcome };
  };
  /** `notifyNewUsers`: email the link to each address added to the selected users by this save. */
  updateLink: {
    payload: { linkId: string; version: number; settings: LinkSettingsInput; password?: PasswordChange; notifyNewUsers?: { message?: string } };
    result: { link: LinkView; notified?: NotifyOutcome };
  };
  setLinkStatus: { payload: { linkId: string; status: LinkStatus; version?: number }; result: { link: LinkView } };
  rotateLink: { payload: { linkId: string; version?: number }; result: CreatedLinkResult };
  deleteLink: { payload: { linkId: string }; result: { deleted: string } };
  /** What a link with these settings would show (page editors). */
  previewLink: {
    payload: { pageId: string; linkId?: string; scope?: LinkScope; includeChildren: boolean; shareRestrictedChildren: boolean; withLabels: string[]; withoutLabels: string[] };
    result: LinkPreviewResult;
  };
  /** The link's current URL (creator, page editors, space admins, Confluence admins). */
  getLinkUrl: { payload: { linkId: string }; result: LinkUrlResult };
  /** Sends the share URL (never the password): the link's kept URL, or `url` when given (it must be the current one). */
  emailLink: {
    payload: { linkId: string; url?: string; recipients: string[]; message?: string };
    result: { sent: number };
  };
  getSpaceConfig: { payload: { spaceKey: string }; result: SpaceConfigResult };
  setSpaceConfig: { payload: { spaceKey: string; version: number; config: SpaceConfigInput }; result: SpaceConfigResult };
  listSpaceLinks: { payload: LinkListFilter & { spaceKey: string }; result: CursorPage<LinkListItem> };
  getGlobalConfig: { payload: Record<string, never>; result: { config: GlobalConfig; effective: EffectivePolicyView } };
  setGlobalConfig: {
    payload: { version: number; config: GlobalConfigInput };
    result: { config: GlobalConfig; effective: EffectivePolicyView };
  };
  getSiteSettings: { payload: Record<string, never>; result: SiteSettingsResult };
  setSiteSettings: {
    payload: { version: number; settings: SiteSettingsInput; ssoClientSecret?: string | null; emailApiKey?: string | null };
    result: SiteSettingsResult;
  };
  listAllLinks: { payload: LinkListFilter & { spaceKey?: string }; result: CursorPage<LinkListItem> };
  revokeLinks: {
    payload: { linkIds: string[] };
    result: { disabled: string[]; alreadyDisabled: string[]; notFound: string[] };
  };
  resetApp: {
    payload: { mode: 'links' | 'full'; confirmation: string };
    /** `continuing`: the reset ran out of time and goes on in the background (the audit log records its end). */
    result: { mode: 'links' | 'full'; deletedLinks: number; continuing: boolean };
  };
  getAuditLog: { payload: AuditLogFilter & { cursor?: string; limit?: number }; result: AuditLogPage };
  /**
   * Starts a CSV export of the audit log as a background job (Confluence admins; the same filter as
   * getAuditLog). Without a job queue (local mode) the export is complete in the answer.
   */
  startAuditExport: { payload: AuditLogFilter; result: AuditExportView };
  /** An export's progress and, once ready, its download links (fresh ones, valid 15 minutes, on every call). Only whoever started it. */
  getAuditExport: { payload: { exportId: string }; result: AuditExportView };
  /** The caller's own exports of the last 24 hours, newest first, at most 10 (ready ones with fresh download links). */
  listAuditExports: { payload: Record<string, never>; result: { exports: AuditExportView[] } };
  /** Getting started checklist: what is configured and proven (Confluence admins). */
  getSetupStatus: { payload: Record<string, never>; result: import('../app/setup').SetupStatus };
  /** Sends a test email through the configured provider (local mode: the outbox); `message` is the provider's answer in plain words. */
  sendTestEmail: { payload: { to: string }; result: { ok: boolean; message: string; status: import('../app/setup').SetupStatus } };
  /** Records that an admin reviewed the default link configuration. */
  markPolicyReviewed: { payload: Record<string, never>; result: import('../app/setup').SetupStatus };
  /** A one-time URL (10 minutes) that runs a real sign-in with the identity provider and shows what came back. */
  startSsoTest: { payload: Record<string, never>; result: import('../app/setup').SetupTicket };
  /** A one-time URL (10 minutes) on the custom domain: opening it proves the domain reaches Secure Share. */
  startDomainCheck: { payload: Record<string, never>; result: import('../app/setup').SetupTicket };
  /** What a reset would delete, counted now. */
  previewReset: { payload: Record<string, never>; result: import('../app/reset').ResetPreview };
  /** The https origins the backend calls for the saved identity provider (issuer, token, JWKS, userinfo). */
  discoverSsoOrigins: { payload: Record<string, never>; result: { origins: string[]; problem: string | null } };
  /** Site self-test (Confluence admins): server checks now, plus a one-time URL for the browser check. */
  runDiagnostics: { payload: { pageId?: string }; result: RunDiagnosticsResult };
  getDiagnostics: { payload: Record<string, never>; result: { results: DiagnosticsResults | null } };
  /** Saves the client-IP header the browser check recommended into the site settings. */
  applyDiagnosticsIpHeader: { payload: Record<string, never>; result: { clientIpHeader: string } };
  /** Disable, enable or delete many links: site-wide (Confluence admins) or of one space (its admins). */
  bulkLinks: { payload: { action: BulkLinkAction; linkIds: string[]; spaceKey?: string }; result: BulkLinkResult };
  /** One link with its space's policy, for the console's edit form (page editors, space admins, Confluence admins). */
  getLinkForEdit: { payload: { linkId: string }; result: LinkEditContext };
  /**
   * A CSV of the links list, as the audit export (poll getAuditExport for its download links): Confluence
   * admins any links, a space's admins with its spaceKey.
   */
  startLinksExport: { payload: Omit<LinkListFilter, 'cursor' | 'limit'> & { spaceKey?: string }; result: AuditExportView };
  /** The caller's links exports of the last 24 hours (of one space with spaceKey), newest first, at most 10. */
  listLinksExports: { payload: { spaceKey?: string }; result: { exports: AuditExportView[] } };
  /** View count and last opened time per link (creator, page editor, space or site admin). */
  getLinkStats: { payload: { linkIds: string[] }; result: { stats: LinkStatsView[] } };
  /** Named space configurations (Confluence admins): list, create or edit, delete, assign, the one new spaces get. */
  getConfigurations: { payload: Record<string, never>; result: ConfigurationsResult };
  saveConfiguration: { payload: { version: number; id?: string; config: NamedConfigInput }; result: ConfigurationsResult };
  deleteConfiguration: { payload: { version: number; id: string }; result: ConfigurationsResult };
  /** configId 'default' = the default configuration; null = no assignment (the new-spaces choice applies). */
  assignConfiguration: { payload: { configId: string | null; spaceKeys: string[] }; result: AssignResult };
  setNewSpacesConfiguration: { payload: { version: number; configId: string }; result: ConfigurationsResult };
  /** Space admins: drop the space's own settings, so its assigned configuration applies. */
  useAssignedConfiguration: { payload: { spaceKey: string; version: number }; result: SpaceConfigResult };
  /** Which links that open today would stop opening if these settings were saved (global, configuration, space). */
  previewPolicyImpact: { payload: ImpactRequest; result: PolicyImpactResult };
  /** The classification rule and the site's own levels (Confluence admins). */
  getClassificationSettings: { payload: Record<string, never>; result: ClassificationSettingsResult };
  setClassificationRule: { payload: { version: number; levelId: string | null }; result: ClassificationSettingsResult };
}

export interface LinkStatsView {
  linkId: string;
  views: number;
  lastOpenedAt: number | null;
}

export type ResolverKey = keyof ResolverContract;
export type ResolverPayload<K extends ResolverKey> = ResolverContract[K]['payload'];
export type ResolverData<K extends ResolverKey> = ResolverContract[K]['result'];

export const RESOLVER_KEYS = [
  'getPageSharing',
  'createLink',
  'updateLink',
  'setLinkStatus',
  'rotateLink',
  'deleteLink',
  'emailLink',
  'getLinkUrl',
  'previewLink',
  'getSpaceConfig',
  'setSpaceConfig',
  'listSpaceLinks',
  'getGlobalConfig',
  'setGlobalConfig',
  'getSiteSettings',
  'setSiteSettings',
  'listAllLinks',
  'revokeLinks',
  'resetApp',
  'getAuditLog',
  'startAuditExport',
  'getAuditExport',
  'listAuditExports',
  'getLinkStats',
  'getSetupStatus',
  'sendTestEmail',
  'markPolicyReviewed',
  'startSsoTest',
  'startDomainCheck',
  'previewReset',
  'discoverSsoOrigins',
  'runDiagnostics',
  'getDiagnostics',
  'applyDiagnosticsIpHeader',
  'bulkLinks',
  'getLinkForEdit',
  'startLinksExport',
  'listLinksExports',
  'getConfigurations',
  'saveConfiguration',
  'deleteConfiguration',
  'assignConfiguration',
  'setNewSpacesConfiguration',
  'useAssignedConfiguration',
  'previewPolicyImpact',
  'getClassificationSettings',
  'setClassificationRule',
] as const satisfies readonly ResolverKey[];

/** Typed text the admin must enter to confirm a reset. */
export const RESET_CONFIRMATION = { links: 'DELETE ALL LINKS', full: 'RESET SECURE SHARE' } as const;


type MissingKeys = Exclude<ResolverKey, (typeof RESOLVER_KEYS)[number]>;
/** Compile-time check that RESOLVER_KEYS lists every contract key. */
export const RESOLVER_KEYS_COMPLETE: MissingKeys extends never ? true : never = true;

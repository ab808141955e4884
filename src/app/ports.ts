/**
 * Ports: what the use cases need from the outside world. Forge adapters (KVS, Confluence REST, mail
 * over HTTPS) and local adapters (file store, fixture site, outbox) implement the same interfaces.
 */
import type {
  AuditAction,
  AuditEntry,
  GlobalConfig,
  LinkStatus,
  PageState,
  ShareLink,
  SiteSettings,
  SpaceConfig,
} from '../core/model';
import type { PolicyRegistry } from '../core/policy';

/** Injected time source (epoch ms). */
export interface Clock {
  now(): number;
}

/** Injected randomness. */
export interface Random {
  bytes(length: number): Uint8Array;
}

/** One page of a cursor-paginated listing. `nextCursor` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  cursor?: string;
  /** 1..100 */
  limit: number;
}

export interface LinkFilter {
  spaceKey?: string;
  pageId?: string;
  status?: LinkStatus;
  createdBy?: string;
  /**
   * Only links whose expiry lies in (after, until] (epoch ms), in expiry order (expiresAt, id) instead of
   * creation order; links that never expire are never listed. Combine with `status` only (the store's
   * `by-status-expiry` index answers exactly that; rubric CST-17/PRF-06).
   */
  expiring?: { after: number; until: number };
}

/**
 * Link persistence. Writes are conditional on `version` so that concurrent edits never lose an update:
 * `update(next, expectedVersion)` fails with DomainError('version_conflict') when the stored version differs.
 */
export interface LinkStore {
  /** Fails with DomainError('already_exists') if the id is taken. */
  create(link: ShareLink): Promise<void>;
  get(id: string): Promise<ShareLink | undefined>;
  /** Stores `next` (whose version must be expectedVersion + 1) only if the stored version is expectedVersion. */
  update(next: ShareLink, expectedVersion: number): Promise<void>;
  delete(id: string): Promise<void>;
  /** Stable order (createdAt, id); cursor pages never skip or repeat items that exist throughout. */
  list(filter: LinkFilter, page: PageRequest): Promise<Page<ShareLink>>;
}

export interface ConfigStore {
  getGlobal(): Promise<GlobalConfig | undefined>;
  /** Conditional on version like LinkStore.update; expectedVersion 0 means "must not exist yet". */
  putGlobal(next: GlobalConfig, expectedVersion: number): Promise<void>;
  getSpace(spaceKey: string): Promise<SpaceConfig | undefined>;
  putSpace(next: SpaceConfig, expectedVersion: number): Promise<void>;
  listSpaces(page: PageRequest): Promise<Page<SpaceConfig>>;
  /** Space records assigned to a named configuration (`configId`), in space key order. */
  listSpacesByConfig(configId: string, page: PageRequest): Promise<Page<SpaceConfig>>;
  deleteSpace(spaceKey: string): Promise<void>;
  /** Named configurations, the one new spaces get, the classification rule (one record, version-checked). */
  getRegistry(): Promise<PolicyRegistry | undefined>;
  putRegistry(next: PolicyRegistry, expectedVersion: number): Promise<void>;
  getSite(): Promise<SiteSettings | undefined>;
  putSite(next: SiteSettings, expectedVersion: number): Promise<void>;
}

/** A counter in a fixed time window (attempt throttling, send caps). Survives restarts. */
export interface CounterStore {
  /**
   * Adds 1 and returns the new count within the window that ends at `expiresAt` (epoch ms). The window's
   * end is set by the increment that starts it (no live counter under `key`); later increments keep it.
   */
  increment(key: string, expiresAt: number): Promise<number>;
  /** The count of the live window, 0 once it ended (judged by the store's clock). */
  get(key: string): Promise<number>;
  reset(key: string): Promise<void>;
  /** Deletes counters whose window ended before `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** Short-lived records: one-time codes, OIDC login state, debounce markers. */
export interface EphemeralRecord {
  key: string;
  value: Record<string, unknown>;
  expiresAt: number;
}

export interface EphemeralStore {
  /** Fails with DomainError('already_exists') if the key holds a live record. */
  putIfAbsent(record: EphemeralRecord): Promise<void>;
  put(record: EphemeralRecord): Promise<void>;
  /** Returns undefined for missing or expired records (never trust platform TTL alone). */
  get(key: string, now: number): Promise<EphemeralRecord | undefined>;
  /** Atomically returns and deletes (single use). */
  take(key: string, now: number): Promise<EphemeralRecord | undefined>;
  delete(key: string): Promise<void>;
  listByPrefix(prefix: string, page: PageRequest): Promise<Page<EphemeralRecord>>;
  purgeExpired(now: number): Promise<number>;
}

export interface AuditFilter {
  linkId?: string;
  spaceKey?: string;
  action?: AuditAction;
  since?: number;
  until?: number;
}

export interface AuditStore {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>>;
  purgeOlderThan(cutoff: number): Promise<number>;
}

export interface Subscription {
  id: string;
  linkId: string;
  pageId: string;
  email: string;
  createdAt: number;
  confirmed: boolean;
}

export interface SubscriptionStore {
  put(sub: Subscription): Promise<void>;
  get(id: string): Promise<Subscription | undefined>;
  delete(id: string): Promise<void>;
  listByPage(pageId: string, page: PageRequest): Promise<Page<Subscription>>;
  listByLink(linkId: string, page: PageRequest): Promise<Page<Subscription>>;
}

/** Per-link view statistics. */
export interface LinkStats {
  linkId: string;
  views: number;
  lastOpenedAt: number | null;
}

export interface StatsStore {
  recordView(linkId: string, at: number): Promise<void>;
  get(linkId: string): Promise<LinkStats>;
  getMany(linkIds: string[]): Promise<LinkStats[]>;
}

/** Secrets: HMAC keys, provider API keys. Forge: kvs.getSecret/setSecret; local: a 0600 file. */
export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  /** Stores `value` only when no secret of that name exists (KVS `FAIL_IF_EXISTS`); true when it was stored. */
  createIfAbsent(name: string, value: string): Promise<boolean>;
  delete(name: string): Promise<void>;
}

/** Everything persisted; one contract suite runs over every implementation. */
export interface Store {
  links: LinkStore;
  configs: ConfigStore;
  counters: CounterStore;
  ephemeral: EphemeralStore;
  audit: AuditStore;
  subscriptions: SubscriptionStore;
  stats: StatsStore;
  secrets: SecretStore;
  /**
   * Deletes everything the app stored (full reset). With a deadline (epoch ms, real time) it may stop
   * early and say so; calling it again continues (it is idempotent).
   */
  clearAll(options?: { deadline?: number }): Promise<{ complete: boolean }>;
}

/** A reset too large for one resolver call, continued step by step (reset.ts). */
export type ResetJob = { kind: 'reset'; mode: 'links' | 'full'; actor: string; deletedLinks: number; step: number };

/** Mail the sweep found due, sent in bounded batches (mail-batches.ts). `batch` guards against duplicate delivery. */
export type MailTask = 'updates' | 'reminders' | 'opened';
export type MailBatchJob = { kind: 'mail-batch'; task: MailTask; batch: number };

/** A page event that touches more links than one invocation should write (lifecycle.ts). */
export type PageStateJob = {
  kind: 'page-state';
  pageId: string;
  state: PageState;
  action: 'page_trashed' | 'page_deleted' | 'page_restored';
  actor: string;
  detail: string;
  /** When the change was asked (the page's target record): a newer change supersedes this one. */
  at: number;
  /** Links are written in id order: every link up to this id is done. */
  after: string;
  batch: number;
};

/** An audit CSV export written in chunks (audit-export.ts). `step` lets a late duplicate of an earlier step see it is stale. */
export type AuditExportJob = { kind: 'audit-export'; exportId: string; step: number };

/** Work that continues after the current invocation, in bounded steps (Forge: an async-event queue). */
export type BackgroundJob = ResetJob | MailBatchJob | PageStateJob | AuditExportJob;

export interface EnqueueOptions {
  /** Deliver no sooner than this many seconds from now (Forge: 0 to 900); a retry waits before trying again. */
  delaySeconds?: number;
}

export interface BackgroundJobs {
  enqueue(job: BackgroundJob, options?: EnqueueOptions): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Confluence

export interface PageSummary {
  id: string;
  title: string;
  spaceId: string;
  spaceKey: string;
  parentId: string | null;
  status: 'current' | 'trashed' | 'deleted' | 'archived' | 'draft';
}

export interface PageContent extends PageSummary {
  /** Rendered HTML (export_view); unsanitized — the web layer sanitizes. */
  bodyHtml: string;
  labels: string[];
  authorId: string;
  createdAt: number;
  updatedAt: number;
  version: number;
}

export interface ChildPage extends PageSummary {
  labels: string[];
  /** True if the page itself carries a view restriction (inherited restrictions come from the tree walk). */
  viewRestricted: boolean;
}

export interface PageComment {
  id: string;
  pageId: string;
  /** Footer comments sit below the page; inline comments are about a passage of it. */
  kind: 'footer' | 'inline';
  /** The comment this one replies to; null for the first comment of a thread. */
  parentId: string | null;
  /** The Confluence author, or for a comment a recipient posted through a link, the name they gave. */
  authorName: string;
  /** The email address the recipient proved before posting (comments posted through a link only). */
  authorEmail: string | null;
  /** Posted by a share recipient through a link (Confluence shows the app as its author). */
  viaShare: boolean;
  createdAt: number;
  /** Plain text/storage body converted to safe text by the adapter (mentions as "@Display Name"). */
  bodyText: string;
  /** Inline comments: the page text the comment is about, when Confluence reports it. */
  quote?: string;
}

/** Who posts a comment through a link: the name they typed and the email they proved, if any. */
export interface CommentAuthor {
  name: string;
  email: string | null;
}

export interface Attachment {
  id: string;
  pageId: string;
  title: string;
  mediaType: string;
  fileSize: number;
  createdAt: number;
}

export interface AttachmentData {
  mediaType: string;
  fileName: string;
  bytes: Uint8Array;
}

export interface SpaceInfo {
  id: string;
  key: string;
  name: string;
  /** The space's home page, when Confluence reports one (v2 Space.homepageId). */
  homepageId?: string | null;
}

export interface UserInfo {
  accountId: string;
  displayName: string;
  email: string | null;
}

/** A page's state as the app sees it, read without rendering its body. */
export interface PageStatusInfo {
  id: string;
  title: string;
  spaceId: string;
  status: PageSummary['status'];
}

/** What a caller of getDescendants needs; less asked is fewer Confluence requests. */
export interface DescendantsNeed {
  /** Only these labels are reported (the link's label filters); an empty list reads no labels. Omitted: every label. */
  labels?: readonly string[];
  /** At most this many pages, cut before any lookup about them (the shared-tree cap). */
  maxPages?: number;
}

/** Reads and writes the web trigger does as the app (no Atlassian user is present). */
export interface ConfluenceContent {
  /**
   * The page with its rendered body. `known.spaceKey` (the link stores it) saves the space lookup;
   * without it the adapter reads the page's space.
   */
  getPage(pageId: string, known?: { spaceKey?: string }): Promise<PageContent | undefined>;
  /**
   * Status and title of each page the app can see (pages it cannot see are missing from the answer),
   * without rendering bodies: for page events, the sweep and link creation.
   */
  getPageStatuses(pageIds: readonly string[]): Promise<PageStatusInfo[]>;
  /**
   * Every descendant page of rootId, with labels and direct restriction flags, parent links intact.
   * `known.spaceKey` (the link stores it) saves the space lookup; `need` narrows the work (see DescendantsNeed).
   */
  getDescendants(rootId: string, known?: { spaceKey?: string }, need?: DescendantsNeed): Promise<ChildPage[]>;
  /**
   * The space's root pages (no parent page; the home page usually among them), current only, with labels and
   * direct restriction flags as getDescendants reports them and parentId null; at most `need.maxPages`.
   * Undefined when the app cannot see the space.
   */
  getSpaceRootPages(spaceKey: string, need?: DescendantsNeed): Promise<ChildPage[] | undefined>;
  /** Footer and inline comments with their replies (parentId), oldest first within each kind. */
  listComments(pageId: string): Promise<PageComment[]>;
  addComment(pageId: string, text: string, author: CommentAuthor): Promise<PageComment>;
  listAttachments(pageId: string): Promise<Attachment[]>;
  /**
   * The bytes of an attachment of `pageId`. Pass `known` (from listAttachments) to skip the metadata
   * read; it must be the same attachment on the same page.
   */
  downloadAttachment(pageId: string, attachmentId: string, known?: Attachment): Promise<AttachmentData | undefined>;
  uploadAttachment(pageId: string, file: AttachmentData, comment: string): Promise<Attachment>;
  getSpace(spaceKey: string): Promise<SpaceInfo | undefined>;
  /** Spaces by key in bulk (one request per 250 keys); spaces the app cannot see are missing from the answer. */
  getSpaces(spaceKeys: readonly string[]): Promise<SpaceInfo[]>;
  /** Display names in bulk (one request per 100 accounts); accounts Confluence does not know are missing. */
  getUserNames(accountIds: readonly string[]): Promise<Map<string, string>>;
  /** Name (and the profile email when the user's visibility settings show it). */
  getUser(accountId: string): Promise<UserInfo | undefined>;
  /** The user's email whatever their profile visibility (for notifications to link creators); null when unknown. */
  getUserEmail(accountId: string): Promise<string | null>;
  /**
   * Which of `pageIds` the user `accountId` can read now (Confluence's content permission check).
   * A page whose check failed is missing from the map: callers treat it as not readable (fail closed).
   * @throws DomainError('app_unauthorized') when Confluence refuses the app the check itself (401/403).
   */
  canRead(accountId: string, pageIds: readonly string[]): Promise<Map<string, boolean>>;
  /** The page's data classification level; null when it has none (or the page is not there). */
  getPageClassification(pageId: string): Promise<ClassificationLevelInfo | null>;
  /** The site's data classification levels, least sensitive first (their order). */
  listClassificationLevels(): Promise<ClassificationLevelInfo[]>;
}

/** A Confluence data classification level (v2 ClassificationLevel). */
export interface ClassificationLevelInfo {
  id: string;
  name: string;
  /** Position in the site's order: a higher order is more sensitive. */
  order: number;
  /** DRAFT, PUBLISHED or ARCHIVED. */
  status: string;
  description: string;
}

/** Rights checks done as the calling user (resolvers only). */
export interface ConfluenceRights {
  /** The page exists, the user can edit it; returns its summary, else undefined. */
  pageEditable(accountId: string, pageId: string): Promise<PageSummary | undefined>;
  pageViewable(accountId: string, pageId: string): Promise<PageSummary | undefined>;
  isSpaceAdmin(accountId: string, spaceKey: string): Promise<boolean>;
  isSiteAdmin(accountId: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Mail

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Free-form tag for logs/outbox: 'link', 'otp', 'subscription', 'update', 'reminder', 'opened'. */
  kind: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

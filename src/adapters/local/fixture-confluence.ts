/**
 * Local stand-in for Confluence Cloud: serves a fixture site (fixtures/demo-site.json or
 * SECURE_SHARE_SITE) through the same ports the Forge REST adapter implements, with Confluence's
 * permission semantics (CF-2: view restrictions inherit down; CF-3: edit restrictions do not).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DomainError } from '../../core/errors';
import type {
  Attachment,
  AttachmentData,
  ChildPage,
  ConfluenceContent,
  ConfluenceRights,
  PageComment,
  PageContent,
  PageSummary,
  SpaceInfo,
  UserInfo,
} from '../../app/ports';
import { storageToPlainText } from '../confluence/storage-text';
import { readVisitorHeader, withVisitorHeader } from '../confluence/visitor-comment';
import {
  fixtureSiteSchema,
  type FixturePage,
  type FixtureSite,
  type FixtureSpace,
  type FixtureUser,
} from './fixture-site-schema';

/** Reads and validates a fixture site; a broken file fails with its path and the first bad field. */
export const loadFixtureSite = async (path: string): Promise<FixtureSite> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read fixture site ${path}: ${(e as Error).message}`);
  }
  return parseFixtureSite(text, path);
};

export const parseFixtureSite = (text: string, source: string): FixtureSite => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`Fixture site ${source} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = fixtureSiteSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    throw new Error(`Fixture site ${source} is invalid: ${issues}`);
  }
  checkReferences(parsed.data, source);
  return parsed.data;
};

/** Cross-references zod cannot express: unique ids, known spaces and parents, acyclic tree. */
const checkReferences = (site: FixtureSite, source: string): void => {
  const fail = (where: string, message: string): never => {
    throw new Error(`Fixture site ${source} is invalid: ${where}: ${message}`);
  };
  const spaceKeys = new Set<string>();
  site.spaces.forEach((space, i) => {
    if (spaceKeys.has(space.key)) fail(`spaces.${i}.key`, `duplicate space key ${space.key}`);
    spaceKeys.add(space.key);
  });
  const pageIds = new Map<string, FixturePage>();
  site.pages.forEach((page, i) => {
    if (pageIds.has(page.id)) fail(`pages.${i}.id`, `duplicate page id ${page.id}`);
    if (!spaceKeys.has(page.spaceKey)) fail(`pages.${i}.spaceKey`, `unknown space ${page.spaceKey}`);
    pageIds.set(page.id, page);
  });
  site.pages.forEach((page, i) => {
    if (page.parentId === null) return;
    const parent = pageIds.get(page.parentId);
    if (!parent) fail(`pages.${i}.parentId`, `unknown parent page ${page.parentId}`);
    else if (parent.spaceKey !== page.spaceKey) fail(`pages.${i}.parentId`, 'parent page is in another space');
    const seen = new Set<string>([page.id]);
    for (let p = parent; p; p = p.parentId === null ? undefined : pageIds.get(p.parentId)) {
      if (seen.has(p.id)) fail(`pages.${i}.parentId`, `parent chain of page ${page.id} is cyclic`);
      seen.add(p.id);
    }
  });
};

export interface FixtureConfluenceOptions {
  /** Delay added to every content/rights call, to emulate REST round trips (benchmarks). */
  latencyMs?: number;
  /** When set, every mutation writes the whole site state here so local mode survives restarts. */
  persistPath?: string;
  /** Tag stored with the persisted state; openFixtureConfluence only restores state whose tag matches. */
  persistTag?: string;
  now?: () => number;
}

export type FixturePagePatch = Partial<
  Pick<FixturePage, 'title' | 'body' | 'labels' | 'viewRestrictedTo' | 'editRestrictedTo' | 'parentId'>
>;

/** Mutations the local server and tests use to emulate things happening in Confluence. */
export interface FixtureSiteControl {
  trashPage(pageId: string): Promise<void>;
  restorePage(pageId: string): Promise<void>;
  /** Purges the page (as emptying the trash does); its descendants stay, re-parented to its parent. */
  deletePage(pageId: string): Promise<void>;
  /** Edits the page, bumping version and updatedAt. */
  updatePage(pageId: string, patch: FixturePagePatch): Promise<PageContent>;
  /** The current state (a deep copy). */
  snapshot(): FixtureSite;
  /** Resolves once every pending persistence write finished. */
  flush(): Promise<void>;
}

export interface FixtureConfluence {
  content: ConfluenceContent;
  rights: ConfluenceRights;
  site: FixtureSiteControl;
}

interface PersistedState {
  format: 'secure-share-fixture-state/1';
  tag: string;
  site: FixtureSite;
}

const APP_AUTHOR = 'Secure Share';
const VIEWABLE_STATUSES = new Set<FixturePage['status']>(['current', 'archived']);

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const iso = (ms: number): string => new Date(ms).toISOString();
const epoch = (isoText: string): number => Date.parse(isoText);
const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const decodeContent = (att: FixturePage['attachments'][number]): Uint8Array =>
  new Uint8Array(Buffer.from(att.content, att.encoding === 'base64' ? 'base64' : 'utf8'));

/**
 * Opens a fixture site for local mode: restores the persisted state when it was made from the same
 * fixture file (same content hash), otherwise starts from the fixture.
 */
export const openFixtureConfluence = async (
  fixturePath: string,
  options: Omit<FixtureConfluenceOptions, 'persistTag'> = {},
): Promise<FixtureConfluence> => {
  const fixtureText = await readFile(fixturePath, 'utf8').catch((e: Error) => {
    throw new Error(`Cannot read fixture site ${fixturePath}: ${e.message}`);
  });
  const tag = sha256(fixtureText);
  let site = parseFixtureSite(fixtureText, fixturePath);
  if (options.persistPath) {
    const persisted = await readFile(options.persistPath, 'utf8').catch(() => undefined);
    if (persisted !== undefined) {
      try {
        const state = JSON.parse(persisted) as Partial<PersistedState>;
        if (state.format === 'secure-share-fixture-state/1' && state.tag === tag) {
          site = parseFixtureSite(JSON.stringify(state.site), options.persistPath);
        }
      } catch {
        // A corrupt state file is replaced by the fixture on the next write.
      }
    }
  }
  return createFixtureConfluence(site, { ...options, persistTag: tag });
};

export const createFixtureConfluence = (
  initial: FixtureSite,
  options: FixtureConfluenceOptions = {},
): FixtureConfluence => {
  const site: FixtureSite = structuredClone(initial);
  const now = options.now ?? Date.now;
  const latencyMs = options.latencyMs ?? 0;
  const persistTag = options.persistTag ?? sha256(JSON.stringify(initial));
  let writes: Promise<void> = Promise.resolve();
  let sequence = 0;

  const delay = async (): Promise<void> => {
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
  };

  const persist = (): Promise<void> => {
    const path = options.persistPath;
    if (!path) return Promise.resolve();
    const state: PersistedState = { format: 'secure-share-fixture-state/1', tag: persistTag, site };
    const text = JSON.stringify(state);
    writes = writes
      .catch(() => undefined)
      .then(async () => {
        await mkdir(dirname(path), { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        await writeFile(tmp, text, { mode: 0o600 });
        await rename(tmp, path);
      });
    return writes;
  };

  const nextId = (prefix: string): string => {
    sequence += 1;
    return `${prefix}-${now().toString(36)}${sequence.toString(36)}`;
  };

  const pageById = (id: string): FixturePage | undefined => site.pages.find((p) => p.id === id);
  const spaceByKey = (key: string): FixtureSpace | undefined => site.spaces.find((s) => s.key === key);
  const userById = (id: string): FixtureUser | undefined => site.users.find((u) => u.accountId === id);

  const summary = (page: FixturePage): PageSummary => ({
    id: page.id,
    title: page.title,
    spaceId: spaceByKey(page.spaceKey)?.id ?? '',
    spaceKey: page.spaceKey,
    parentId: page.parentId,
    status: page.status,
  });

  const toContent = (page: FixturePage): PageContent => ({
    ...summary(page),
    bodyHtml: page.body,
    labels: [...page.labels],
    authorId: page.authorId,
    createdAt: epoch(page.createdAt),
    updatedAt: epoch(page.updatedAt),
    version: page.version,
  });

  const toAttachment = (pageId: string, att: FixturePage['attachments'][number]): Attachment => ({
    id: att.id,
    pageId,
    title: att.title,
    mediaType: att.mediaType,
    fileSize: decodeContent(att).byteLength,
    createdAt: epoch(att.createdAt),
  });

  const toComment = (pageId: string, c: FixturePage['comments'][number]): PageComment => {
    const text = storageToPlainText(c.body, (accountId) => userById(accountId)?.displayName);
    const visitor = c.authorName === APP_AUTHOR ? readVisitorHeader(text) : undefined;
    return {
      id: c.id,
      pageId,
      kind: 'footer',
      parentId: null,
      authorName: visitor?.authorName ?? c.authorName,
      authorEmail: visitor?.authorEmail ?? null,
      viaShare: visitor !== undefined,
      createdAt: epoch(c.createdAt),
      bodyText: visitor?.text ?? text,
    };
  };

  /** The page unless it is missing or deleted (a deleted page is gone for every content call; trashed is not). */
  const livePage = (pageId: string): FixturePage | undefined => {
    const page = pageById(pageId);
    return page && page.status !== 'deleted' ? page : undefined;
  };

  const requirePage = (pageId: string): FixturePage => {
    const page = livePage(pageId);
    if (!page) throw new DomainError('not_found', `Page ${pageId} does not exist.`);
    return page;
  };

  // --- permissions -------------------------------------------------------------------------

  const canViewSpace = (user: FixtureUser, space: FixtureSpace): boolean =>
    space.admins.includes(user.accountId) ||
    space.editors.includes(user.accountId) ||
    space.viewers.length === 0 ||
    space.viewers.includes(user.accountId);

  const canEditSpace = (user: FixtureUser, space: FixtureSpace): boolean =>
    space.admins.includes(user.accountId) || space.editors.includes(user.accountId);

  /** CF-2: a view restriction on the page or on any ancestor must list the user. */
  const passesViewRestrictions = (accountId: string, page: FixturePage): boolean => {
    for (let p: FixturePage | undefined = page; p; p = p.parentId === null ? undefined : pageById(p.parentId)) {
      if (p.viewRestrictedTo.length > 0 && !p.viewRestrictedTo.includes(accountId)) return false;
    }
    return true;
  };

  const viewablePage = (accountId: string, pageId: string): FixturePage | undefined => {
    const user = userById(accountId);
    const page = pageById(pageId);
    if (!user || !page || !VIEWABLE_STATUSES.has(page.status)) return undefined;
    const space = spaceByKey(page.spaceKey);
    if (!space || !canViewSpace(user, space)) return undefined;
    return passesViewRestrictions(accountId, page) ? page : undefined;
  };

  const rights: ConfluenceRights = {
    async pageViewable(accountId, pageId) {
      await delay();
      const page = viewablePage(accountId, pageId);
      return page ? summary(page) : undefined;
    },
    async pageEditable(accountId, pageId) {
      await delay();
      const page = viewablePage(accountId, pageId);
      if (!page || page.status !== 'current') return undefined;
      const user = userById(accountId);
      const space = spaceByKey(page.spaceKey);
      if (!user || !space || !canEditSpace(user, space)) return undefined;
      // CF-3: only the page's own edit restriction counts, never an ancestor's.
      if (page.editRestrictedTo.length > 0 && !page.editRestrictedTo.includes(accountId)) return undefined;
      return summary(page);
    },
    async isSpaceAdmin(accountId, spaceKey) {
      await delay();
      return userById(accountId) !== undefined && (spaceByKey(spaceKey)?.admins.includes(accountId) ?? false);
    },
    async isSiteAdmin(accountId) {
      await delay();
      return userById(accountId)?.siteAdmin ?? false;
    },
  };

  // --- content (as the app) ----------------------------------------------------------------

  const content: ConfluenceContent = {
    async getPage(pageId) {
      await delay();
      const page = livePage(pageId);
      return page ? toContent(page) : undefined;
    },
    async getPageStatuses(pageIds) {
      await delay();
      return pageIds.flatMap((id) => {
        const page = livePage(id);
        return page ? [{ id: page.id, title: page.title, spaceId: summary(page).spaceId, status: page.status }] : [];
      });
    },
    async getDescendants(rootId) {
      await delay();
      const childrenOf = new Map<string, FixturePage[]>();
      for (const page of site.pages) {
        if (page.parentId === null || page.status !== 'current') continue;
        const siblings = childrenOf.get(page.parentId) ?? [];
        siblings.push(page);
        childrenOf.set(page.parentId, siblings);
      }
      const result: ChildPage[] = [];
      const walk = (parentId: string): void => {
        for (const child of childrenOf.get(parentId) ?? []) {
          result.push({ ...summary(child), labels: [...child.labels], viewRestricted: child.viewRestrictedTo.length > 0 });
          walk(child.id);
        }
      };
      if (pageById(rootId)) walk(rootId);
      return result;
    },
    async listComments(pageId) {
      await delay();
      const page = livePage(pageId);
      if (!page) return [];
      return page.comments.map((c) => toComment(pageId, c));
    },
    async addComment(pageId, text, author) {
      await delay();
      const page = requirePage(pageId);
      const body = withVisitorHeader(text, author)
        .split(/\r?\n/)
        .map((line) => `<p>${escapeHtml(line)}</p>`)
        .join('');
      const comment = { id: nextId('c'), authorName: APP_AUTHOR, createdAt: iso(now()), body };
      page.comments.push(comment);
      await persist();
      return toComment(pageId, comment);
    },
    async listAttachments(pageId) {
      await delay();
      const page = livePage(pageId);
      if (!page) return [];
      return page.attachments.map((a) => toAttachment(pageId, a));
    },
    async downloadAttachment(pageId, attachmentId) {
      await delay();
      const att = livePage(pageId)?.attachments.find((a) => a.id === attachmentId);
      if (!att) return undefined;
      return { mediaType: att.mediaType, fileName: att.title, bytes: decodeContent(att) };
    },
    async uploadAttachment(pageId, file: AttachmentData, _comment: string) {
      await delay();
      const page = requirePage(pageId);
      if (page.attachments.some((a) => a.title === file.fileName)) {
        // Same as Confluence's POST child/attachment: it never silently replaces an existing file.
        throw new DomainError('already_exists', `An attachment named "${file.fileName}" already exists on this page.`);
      }
      const att = {
        id: nextId('att'),
        title: file.fileName,
        mediaType: file.mediaType,
        createdAt: iso(now()),
        content: Buffer.from(file.bytes).toString('base64'),
        encoding: 'base64' as const,
      };
      page.attachments.push(att);
      await persist();
      return toAttachment(pageId, att);
    },
    async getSpace(spaceKey): Promise<SpaceInfo | undefined> {
      await delay();
      const space = spaceByKey(spaceKey);
      return space ? { id: space.id, key: space.key, name: space.name } : undefined;
    },
    async getUser(accountId): Promise<UserInfo | undefined> {
      await delay();
      const user = userById(accountId);
      return user ? { accountId: user.accountId, displayName: user.displayName, email: user.email } : undefined;
    },
    async getUserEmail(accountId) {
      await delay();
      return userById(accountId)?.email ?? null;
    },
    async canRead(accountId, pageIds) {
      await delay();
      return new Map(pageIds.map((id) => [id, viewablePage(accountId, id) !== undefined]));
    },
  };

  // --- control -----------------------------------------------------------------------------

  const setStatus = async (pageId: string, status: FixturePage['status']): Promise<void> => {
    const page = requirePage(pageId);
    page.status = status;
    page.updatedAt = iso(now());
    await persist();
  };

  const control: FixtureSiteControl = {
    trashPage: (pageId) => setStatus(pageId, 'trashed'),
    restorePage: (pageId) => setStatus(pageId, 'current'),
    async deletePage(pageId) {
      const page = requirePage(pageId);
      for (const child of site.pages) if (child.parentId === pageId) child.parentId = page.parentId;
      site.pages = site.pages.filter((p) => p.id !== pageId);
      await persist();
    },
    async updatePage(pageId, patch) {
      const page = requirePage(pageId);
      if (patch.parentId !== undefined && patch.parentId !== null) {
        const parent = pageById(patch.parentId);
        if (!parent || parent.spaceKey !== page.spaceKey) {
          throw new DomainError('invalid_input', `Parent page ${patch.parentId} does not exist in space ${page.spaceKey}.`);
        }
        for (let p: FixturePage | undefined = parent; p; p = p.parentId === null ? undefined : pageById(p.parentId)) {
          if (p.id === pageId) throw new DomainError('invalid_input', 'A page cannot move below itself.');
        }
      }
      Object.assign(page, structuredClone(patch));
      page.version += 1;
      page.updatedAt = iso(now());
      await persist();
      return toContent(page);
    },
    snapshot: () => structuredClone(site),
    flush: () => writes.catch(() => undefined),
  };

  return { content, rights, site: control };
};

/**
 * The emulated site's content and Confluence's permission rules over it:
 * - a user sees a page when they can view its space (admins, editors, viewers; empty viewers = everyone)
 *   and every view restriction on the page or an ancestor lists them (restrictions inherit down);
 * - a user edits a page they can view when they edit in the space and the page's own edit restriction,
 *   if any, lists them (edit restrictions do not inherit);
 * - the app user sees every space, but a view-restricted page (and everything below it) only where the
 *   fixture grants the app (`appCanRead` on each restricted page of the chain).
 * Mutations (`SiteControl`) stand in for people editing Confluence; they persist when a path is given.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  parseFixtureSite,
  type FixtureAttachment,
  type FixtureComment,
  type FixturePage,
  type FixtureSite,
  type FixtureSpace,
  type FixtureUser,
} from './site-schema';

export type Principal = { kind: 'app' } | { kind: 'user'; accountId: string };

export type PagePatch = Partial<
  Pick<FixturePage, 'title' | 'body' | 'labels' | 'viewRestrictedTo' | 'editRestrictedTo' | 'parentId' | 'appCanRead' | 'classificationLevelId'>
>;

/** A summary of a page as the control API reports it (plain data, no REST shapes). */
export interface ControlPage {
  id: string;
  title: string;
  spaceId: string;
  spaceKey: string;
  parentId: string | null;
  status: FixturePage['status'];
  version: number;
  bodyHtml: string;
  labels: string[];
}

/** Changes that happen in Confluence (people editing, trashing, restoring), for dev events and tests. */
export interface SiteControl {
  /** The page as stored (whoever may see it), or undefined once purged. */
  page(pageId: string): ControlPage | undefined;
  trashPage(pageId: string): Promise<void>;
  restorePage(pageId: string): Promise<void>;
  archivePage(pageId: string): Promise<void>;
  /** Purges the page (as emptying the trash does); its children are re-parented to its parent. */
  deletePage(pageId: string): Promise<void>;
  /** Edits the page, bumping version and updatedAt. */
  updatePage(pageId: string, patch: PagePatch): Promise<ControlPage>;
  /** The current state (a deep copy). */
  snapshot(): FixtureSite;
  /** Resolves once every pending persistence write finished. */
  flush(): Promise<void>;
}

export class SiteError extends Error {}

interface PersistedState {
  format: 'secure-share-confluence-emulator/1';
  tag: string;
  site: FixtureSite;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface SiteStateOptions {
  now: () => number;
  persistPath?: string;
  persistTag?: string;
}

export const createSiteState = (initial: FixtureSite, options: SiteStateOptions) => {
  const site: FixtureSite = structuredClone(initial);
  const persistTag = options.persistTag ?? sha256(JSON.stringify(initial));
  let writes: Promise<void> = Promise.resolve();
  let sequence = 0;

  const nodeById = (id: string): FixturePage | undefined => site.pages.find((p) => p.id === id);
  const spaceByKey = (key: string): FixtureSpace | undefined => site.spaces.find((s) => s.key === key);
  const spaceById = (id: string): FixtureSpace | undefined => site.spaces.find((s) => s.id === id);
  const userById = (id: string): FixtureUser | undefined => site.users.find((u) => u.accountId === id);
  const parentOf = (node: FixturePage): FixturePage | undefined => (node.parentId === null ? undefined : nodeById(node.parentId));

  const ancestorsAndSelf = (node: FixturePage): FixturePage[] => {
    const chain: FixturePage[] = [];
    for (let p: FixturePage | undefined = node; p && chain.length <= site.pages.length; p = parentOf(p)) chain.push(p);
    return chain;
  };

  const canViewSpace = (principal: Principal, space: FixtureSpace): boolean => {
    if (principal.kind === 'app') return true;
    const id = principal.accountId;
    if (!userById(id)) return false;
    return space.admins.includes(id) || space.editors.includes(id) || space.viewers.length === 0 || space.viewers.includes(id);
  };

  const canEditSpace = (principal: Principal, space: FixtureSpace): boolean =>
    principal.kind === 'app' || space.admins.includes(principal.accountId) || space.editors.includes(principal.accountId);

  /** Whether the principal passes the view restrictions of the node and all its ancestors, whatever their status. */
  const passesRestrictions = (principal: Principal, node: FixturePage): boolean =>
    ancestorsAndSelf(node).every((p) =>
      p.viewRestrictedTo.length === 0 || (principal.kind === 'app' ? p.appCanRead : p.viewRestrictedTo.includes(principal.accountId)),
    );

  /** The node if it exists (not purged) and the principal may see it, whatever its status. */
  const visibleNode = (principal: Principal, id: string): FixturePage | undefined => {
    const node = nodeById(id);
    if (!node || node.status === 'deleted') return undefined;
    const space = spaceByKey(node.spaceKey);
    if (!space || !canViewSpace(principal, space)) return undefined;
    return passesRestrictions(principal, node) ? node : undefined;
  };

  const canEdit = (principal: Principal, node: FixturePage): boolean => {
    if (!visibleNode(principal, node.id) || node.status !== 'current') return false;
    const space = spaceByKey(node.spaceKey);
    if (!space || !canEditSpace(principal, space)) return false;
    if (principal.kind === 'app') return true;
    return node.editRestrictedTo.length === 0 || node.editRestrictedTo.includes(principal.accountId);
  };

  const isSpaceAdmin = (principal: Principal, space: FixtureSpace): boolean =>
    principal.kind === 'user' && space.admins.includes(principal.accountId);

  const childrenOf = (id: string): FixturePage[] => site.pages.filter((p) => p.parentId === id);

  const findComment = (id: string): { page: FixturePage; comment: FixtureComment } | undefined => {
    for (const page of site.pages) {
      const comment = page.comments.find((c) => c.id === id);
      if (comment) return { page, comment };
    }
    return undefined;
  };

  /** Accepts `att2001`, or the bare `2001` that export_view bodies carry in data-linked-resource-id. */
  const findAttachment = (id: string): { page: FixturePage; attachment: FixtureAttachment } | undefined => {
    const wanted = id.startsWith('att') ? id : `att${id}`;
    for (const page of site.pages) {
      const attachment = page.attachments.find((a) => a.id === wanted);
      if (attachment) return { page, attachment };
    }
    return undefined;
  };

  /** A fresh numeric content id above every id in the site. */
  const nextContentId = (): string => {
    let max = 0;
    for (const page of site.pages) {
      max = Math.max(max, Number(page.id));
      for (const c of page.comments) max = Math.max(max, Number(c.id));
      for (const a of page.attachments) max = Math.max(max, Number(a.id.slice(3)));
    }
    sequence += 1;
    return String(Math.max(max, 900000) + sequence);
  };

  const persist = (): Promise<void> => {
    const path = options.persistPath;
    if (!path) return Promise.resolve();
    const state: PersistedState = { format: 'secure-share-confluence-emulator/1', tag: persistTag, site };
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

  const iso = (): string => new Date(options.now()).toISOString();

  const requireNode = (pageId: string): FixturePage => {
    const node = nodeById(pageId);
    if (!node || node.status === 'deleted') throw new SiteError(`Page ${pageId} does not exist.`);
    return node;
  };

  const controlPage = (node: FixturePage): ControlPage => ({
    id: node.id,
    title: node.title,
    spaceId: spaceByKey(node.spaceKey)?.id ?? '',
    spaceKey: node.spaceKey,
    parentId: node.parentId,
    status: node.status,
    version: node.version,
    bodyHtml: node.body,
    labels: [...node.labels],
  });

  const setStatus = async (pageId: string, status: FixturePage['status']): Promise<void> => {
    const node = requireNode(pageId);
    node.status = status;
    node.updatedAt = iso();
    await persist();
  };

  const control: SiteControl = {
    page(pageId) {
      const node = nodeById(pageId);
      return node && node.status !== 'deleted' ? controlPage(node) : undefined;
    },
    trashPage: (pageId) => setStatus(pageId, 'trashed'),
    restorePage: (pageId) => setStatus(pageId, 'current'),
    archivePage: (pageId) => setStatus(pageId, 'archived'),
    async deletePage(pageId) {
      const node = requireNode(pageId);
      for (const child of site.pages) if (child.parentId === pageId) child.parentId = node.parentId;
      site.pages = site.pages.filter((p) => p.id !== pageId);
      await persist();
    },
    async updatePage(pageId, patch) {
      const node = requireNode(pageId);
      if (patch.parentId !== undefined && patch.parentId !== null) {
        const parent = nodeById(patch.parentId);
        if (!parent || parent.spaceKey !== node.spaceKey) {
          throw new SiteError(`Parent page ${patch.parentId} does not exist in space ${node.spaceKey}.`);
        }
        for (let p: FixturePage | undefined = parent; p; p = parentOf(p)) {
          if (p.id === pageId) throw new SiteError('A page cannot move below itself.');
        }
      }
      Object.assign(node, structuredClone(patch));
      node.version += 1;
      node.updatedAt = iso();
      await persist();
      return controlPage(node);
    },
    snapshot: () => structuredClone(site),
    flush: () => writes.catch(() => undefined),
  };

  return {
    site,
    nodeById,
    spaceByKey,
    spaceById,
    userById,
    parentOf,
    childrenOf,
    visibleNode,
    canViewSpace,
    canEdit,
    isSpaceAdmin,
    findComment,
    findAttachment,
    nextContentId,
    persist,
    iso,
    control,
  };
};

export type SiteState = ReturnType<typeof createSiteState>;

/**
 * Opens a fixture file for local mode: restores the persisted state when it was made from the same
 * fixture (same content hash), otherwise starts from the fixture.
 */
export const openSiteFixture = async (
  fixturePath: string,
  persistPath: string | undefined,
): Promise<{ site: FixtureSite; tag: string }> => {
  const fixtureText = await readFile(fixturePath, 'utf8').catch((e: Error) => {
    throw new Error(`Cannot read fixture site ${fixturePath}: ${e.message}`);
  });
  const tag = sha256(fixtureText);
  const site = parseFixtureSite(fixtureText, fixturePath);
  if (!persistPath) return { site, tag };
  const persisted = await readFile(persistPath, 'utf8').catch(() => undefined);
  if (persisted === undefined) return { site, tag };
  try {
    const state = JSON.parse(persisted) as Partial<PersistedState>;
    if (state.format === 'secure-share-confluence-emulator/1' && state.tag === tag) {
      return { site: parseFixtureSite(JSON.stringify(state.site), persistPath), tag };
    }
  } catch {
    // A corrupt state file is replaced by the fixture on the next write.
  }
  return { site, tag };
};

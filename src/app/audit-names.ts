/**
 * Names for audit entries, resolved in bulk and bounded (no lookup per row):
 * - names stored on the entry when it was written (AuditEntry.names) need no lookup;
 * - links: one store read per distinct link without a stored name (at most 10 at a time); a link also
 *   gives its page's title;
 * - pages: v2 GET /pages?id=… (250 per request), spaces: v2 GET /spaces?keys=… (250 per request),
 *   people: v1 GET /user/bulk (100 per request), the three in parallel.
 * A lookup that fails leaves those ids unnamed (the sentence then says "a page", "a Confluence user"):
 * the log and the export never fail for want of a name.
 *
 * A cache carries names across the pages of one export, so each id is looked up once per export step.
 */
import { mapLimited } from '../core/concurrency';
import { EXPORT_FILTER_LINK, EXPORT_FILTER_SPACE, type AuditNames } from '../core/audit-sentences';
import type { AuditEntry } from '../core/model';
import type { AppDeps } from './deps';

/** Resolved names by id; null = looked up, no name (deleted link, page the app cannot see). */
export interface AuditNameCache {
  users: Map<string, string | null>;
  pages: Map<string, string | null>;
  spaces: Map<string, string | null>;
  links: Map<string, string | null>;
}

export const createAuditNameCache = (): AuditNameCache => ({ users: new Map(), pages: new Map(), spaces: new Map(), links: new Map() });

/** Actors that are Atlassian accounts (not 'visitor', 'app', 'unknown' or a masked email). */
const isAccountId = (actor: string): boolean => /^[A-Za-z0-9:_-]{1,128}$/.test(actor) && !['visitor', 'app', 'unknown'].includes(actor);

const LINK_READS_IN_FLIGHT = 10;

const record = (map: Map<string, string | null>, ids: readonly string[], found: ReadonlyMap<string, string>): void => {
  for (const id of ids) map.set(id, found.get(id) || null);
};

const named = (map: Map<string, string | null>, ids: Iterable<string>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const id of ids) {
    const name = map.get(id);
    if (name) out[id] = name;
  }
  return out;
};

/** Links and spaces an audit export's filter names in its detail ("Export started: link <id>, space DEMO."). */
const filterIds = (entries: readonly AuditEntry[], pattern: RegExp): string[] =>
  entries.flatMap((e) => (e.action === 'audit_exported' ? [...e.detail.matchAll(pattern)].map((m) => m[1]!) : []));

/** The names a page of entries needs, looked up in bulk (see the file comment). */
export const resolveAuditNames = async (
  deps: Pick<AppDeps, 'store' | 'content'>,
  entries: readonly AuditEntry[],
  cache: AuditNameCache = createAuditNameCache(),
): Promise<AuditNames> => {
  const unknown = (map: Map<string, string | null>, ids: Iterable<string>): string[] => [...new Set(ids)].filter((id) => !map.has(id));

  // Links first: a link record names its page too, which saves a page lookup.
  const linkIds = unknown(cache.links, [
    ...entries.flatMap((e) => (e.linkId && !e.names?.link ? [e.linkId] : [])),
    ...filterIds(entries, EXPORT_FILTER_LINK),
  ]);
  await mapLimited(linkIds, LINK_READS_IN_FLIGHT, async (id) => {
    try {
      const link = await deps.store.links.get(id);
      cache.links.set(id, link?.name || null);
      if (link?.pageTitle && !cache.pages.has(link.pageId)) cache.pages.set(link.pageId, link.pageTitle);
    } catch {
      // Unnamed this time.
    }
  });

  const pageIds = unknown(
    cache.pages,
    entries.flatMap((e) => (e.pageId && !e.names?.page ? [e.pageId] : [])),
  );
  const spaceKeys = unknown(cache.spaces, [
    ...entries.flatMap((e) => (e.spaceKey && !e.names?.space ? [e.spaceKey] : [])),
    ...filterIds(entries, EXPORT_FILTER_SPACE),
  ]);
  const accountIds = unknown(
    cache.users,
    entries.flatMap((e) => (isAccountId(e.actor) ? [e.actor] : [])),
  );
  await Promise.all([
    pageIds.length === 0
      ? undefined
      : deps.content.getPageStatuses(pageIds).then(
          (pages) => record(cache.pages, pageIds, new Map(pages.map((p) => [p.id, p.title]))),
          () => undefined,
        ),
    spaceKeys.length === 0
      ? undefined
      : deps.content.getSpaces(spaceKeys).then(
          (spaces) => record(cache.spaces, spaceKeys, new Map(spaces.map((s) => [s.key, s.name]))),
          () => undefined,
        ),
    accountIds.length === 0
      ? undefined
      : deps.content.getUserNames(accountIds).then(
          (users) => record(cache.users, accountIds, users),
          () => undefined,
        ),
  ]);

  return {
    users: named(cache.users, entries.map((e) => e.actor)),
    pages: named(cache.pages, entries.flatMap((e) => (e.pageId ? [e.pageId] : []))),
    spaces: named(cache.spaces, [...entries.flatMap((e) => (e.spaceKey ? [e.spaceKey] : [])), ...filterIds(entries, EXPORT_FILTER_SPACE)]),
    links: named(cache.links, [...entries.flatMap((e) => (e.linkId ? [e.linkId] : [])), ...filterIds(entries, EXPORT_FILTER_LINK)]),
  };
};

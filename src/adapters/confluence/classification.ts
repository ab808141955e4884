/**
 * Data classification (v2): the site's levels for the admin's rule, and a page's level for every create
 * and view under the rule. The spec lists read:page + write:page for reading a page's level, and
 * read:configuration for the site's levels (manifest.yml grants both).
 */
import * as z from 'zod/mini';
import type { ClassificationLevelInfo, ConfluenceContent } from '../../app/ports';
import type { AdapterContext } from './context';
import { id } from './schemas';
import { getJson, PAGE_ID, path } from './transport';

const levelSchema = z.object({
  id: z.nullish(id),
  name: z.nullish(z.string()),
  order: z.nullish(z.number()),
  status: z.nullish(z.string()),
  description: z.nullish(z.string()),
});

type RawLevel = z.infer<typeof levelSchema>;

const toLevel = (raw: RawLevel): ClassificationLevelInfo | null =>
  raw.id ? { id: raw.id, name: raw.name ?? raw.id, order: raw.order ?? 0, status: raw.status ?? 'PUBLISHED', description: raw.description ?? '' } : null;

export const createClassification = (ctx: AdapterContext): Pick<ConfluenceContent, 'getPageClassification' | 'listClassificationLevels'> => ({
  async getPageClassification(pageId) {
    if (!PAGE_ID.test(pageId)) return null;
    // 404: no such page or no level; the page read beside it tells the two apart.
    const raw = await getJson(ctx.asApp, path`/wiki/api/v2/pages/${pageId}/classification-level?status=${'current'}`, levelSchema);
    return raw ? toLevel(raw) : null;
  },
  async listClassificationLevels() {
    const raw = await getJson(ctx.asApp, '/wiki/api/v2/classification-levels', z.array(levelSchema));
    return (raw ?? [])
      .map(toLevel)
      .filter((level): level is ClassificationLevelInfo => level !== null)
      .sort((a, b) => a.order - b.order);
  },
});

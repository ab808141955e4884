/** Spaces by key in bulk, as the app: names for the audit log (one request per 250 keys). */
import type { ConfluenceContent, SpaceInfo } from '../../app/ports';
import type { AdapterContext } from './context';
import { spaceListSchema } from './schemas';
import { chunks, collect, repeated, SPACE_KEY } from './transport';

/** v2 GET /spaces takes at most 250 keys and answers at most 250 spaces per page. */
const SPACES_PER_REQUEST = 250;

export const createSpaceLookups = (ctx: AdapterContext): Pick<ConfluenceContent, 'getSpaces'> => ({
  async getSpaces(spaceKeys) {
    const wanted = [...new Set(spaceKeys.filter((key) => SPACE_KEY.test(key)))];
    const found: SpaceInfo[] = [];
    for (const keys of chunks(wanted, SPACES_PER_REQUEST)) {
      const spaces = await collect(ctx.asApp, `/wiki/api/v2/spaces?${repeated('keys', keys)}&limit=${SPACES_PER_REQUEST}`, spaceListSchema);
      const asked = new Set(keys);
      for (const space of spaces ?? []) {
        if (asked.has(space.key)) found.push({ id: space.id, key: space.key, name: space.name ?? space.key, homepageId: space.homepageId ?? null });
      }
    }
    return found;
  },
});

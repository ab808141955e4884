import { describe, expect, it } from 'vitest';
import { payloadSchemas } from '../../src/app/resolvers/schemas';
import { startLinksExportPayload } from '../../src/app/resolvers/link-console-schemas';
import { toLinkListFilter, type LinkFilterValues } from '../../src/frontend/components/link-filters';

// The filter bar and the resolvers' strict payload schemas are written apart; a field one side sends and
// the other does not know is refused as invalid input, so every filter the bar can send must parse.
const everyFilter: LinkFilterValues = {
  search: ' release ',
  spaceKey: 'DEMO',
  status: 'active',
  nonCompliant: true,
  createdBy: 'u-editor',
  expiresFrom: '2026-12-01',
  expiresUntil: '2026-12-31',
};

describe('links filter payloads', () => {
  const filter = toLinkListFilter(everyFilter);

  it('sends every filter field the bar offers', () => {
    expect(Object.keys(filter).sort()).toEqual(['createdBy', 'expiresFrom', 'expiresUntil', 'nonCompliant', 'search', 'spaceKey', 'status']);
    expect(filter.expiresUntil! > filter.expiresFrom!).toBe(true);
  });

  it.each([
    ['listAllLinks', (f: object) => payloadSchemas.listAllLinks.safeParse({ ...f, limit: 25 })],
    ['listSpaceLinks', (f: object) => payloadSchemas.listSpaceLinks.safeParse({ ...f, limit: 25 })],
    ['startLinksExport', (f: object) => startLinksExportPayload.safeParse(f)],
  ])('%s accepts everything the filter bar sends', (_name, parse) => {
    const parsed = parse(filter);
    expect(parsed.success ? 'ok' : JSON.stringify(parsed.error.issues)).toBe('ok');
  });
});

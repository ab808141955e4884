import { describe, expect, it } from 'vitest';
import { parseSharePath } from '../../src/web/share-routes';

describe('recipient routes', () => {
  const t = 'A'.repeat(65);
  it('search is a GET of the whole share; Unsubscribe on a page is a POST scoped to it', () => {
    expect(parseSharePath(`/s/${t}/search`)).toEqual({ token: t, route: { kind: 'search' }, methods: ['GET'] });
    expect(parseSharePath(`/s/${t}/unsubscribe`)).toEqual({ token: t, route: { kind: 'unsubscribe_page', pageId: null }, methods: ['POST'] });
    expect(parseSharePath(`/s/${t}/p/12/unsubscribe`)).toEqual({ token: t, route: { kind: 'unsubscribe_page', pageId: '12' }, methods: ['POST'] });
    // The signed unsubscribe link keeps its own route.
    expect(parseSharePath(`/s/${t}/unsubscribe/${'B'.repeat(22)}`)?.route.kind).toBe('unsubscribe');
  });

  it('nothing below search or a page unsubscribe', () => {
    for (const suffix of ['/search/x', '/p/12/search', '/p/12/unsubscribe/x', '/unsubscribe/short']) {
      expect(parseSharePath(`/s/${t}${suffix}`), suffix).toBeNull();
    }
  });
});

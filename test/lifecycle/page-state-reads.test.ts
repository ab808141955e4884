/**
 * Forge review rubric CST-11 / PRF-01: the hourly page-state check reads the states of all the pages it
 * checks in one bulk request (v2 GET /pages?id=…&status=…, up to 250 ids), with no rendered body, labels or
 * space: never one page after another, never a page body.
 */
import { describe, expect, it } from 'vitest';
import { reconcilePageStates } from '../../src/app/sweep';
import { createHarness } from './harness';

const PAGES = ['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008', '2001', '2002', '2003', '2004', '2005'];

describe('the scheduled page-state check', () => {
  it('checks 13 pages (26 links) with one bulk status request and no page body', async () => {
    const h = await createHarness();
    for (const pageId of PAGES) {
      await h.addLink({ pageId });
      await h.addLink({ pageId });
    }
    h.clock.advance(3_600_000);
    h.confluence.emulator.stats.reset();
    const result = await reconcilePageStates(h.deps);
    expect(result.pagesChecked).toBe(PAGES.length);
    const pageReads = h.confluence.emulator.stats.log.filter((r) => r.path.startsWith('/wiki/api/v2/pages'));
    expect(pageReads.map((r) => r.path.split('?')[0])).toEqual(['/wiki/api/v2/pages']);
    const query = new URLSearchParams(pageReads[0]!.path.split('?')[1]);
    expect(query.getAll('id').sort()).toEqual([...PAGES].sort());
    expect(query.has('body-format')).toBe(false);
    expect(query.has('include-labels')).toBe(false);
    expect(h.confluence.emulator.stats.specViolations).toEqual([]);
  });
});

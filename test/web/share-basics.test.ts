import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/share-harness';
import { imagesOf, linksOf, Visitor } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('open link', () => {
  it('shows the shared page, sanitized, with in-tree links rewritten', async () => {
    const { path } = await h.link({ includeChildren: true, withoutLabels: ['internal'] });
    const v = new Visitor(h.base);
    const reply = await v.get(path);
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('Product Handbook');
    expect(reply.text).toContain('Service levels');
    const links = linksOf(reply.text);
    expect(links.some((l) => l.href === `${h.base}${path}/p/1002`)).toBe(true);
    expect(links.every((l) => !l.href.includes('/wiki/'))).toBe(true);
    expect(imagesOf(reply.text)).toContain(`${h.base}${path}/img/1001/diagram.png`);
    // Internal page is filtered out of the navigation.
    expect(reply.text).not.toContain('Internal roadmap');
  });
});

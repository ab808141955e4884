/**
 * Forge review rubric CST-12: the Forge-packaged page-event trigger, which every page edit on the site reaches,
 * writes a log line only when the event changed links.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { installForgeRuntime } from '../support/forge-runtime/forge-runtime';
import { startPackagedApp } from '../support/forge-runtime/packaged-app';
import { makeLink } from '../store/store-fixtures';

type Bundle = Record<string, (...args: unknown[]) => Promise<unknown>>;
let runtime: ReturnType<typeof installForgeRuntime>;
let index: Bundle;

const edited = (id: string, title: string) => ({
  eventType: 'avi:confluence:updated:page',
  atlassianId: 'u-editor',
  eventCreatedDate: new Date().toISOString(),
  suppressNotifications: false,
  selfGenerated: false,
  content: { id, type: 'page', status: 'current', title, space: { id: '98301', key: 'DEMO' } },
});

beforeAll(async () => {
  const app = await startPackagedApp();
  ({ runtime, index } = app);
  const now = Date.now();
  await app.store.links.create(makeLink({ pageId: '1001', spaceKey: 'DEMO', pageTitle: 'Product Handbook', createdBy: 'u-editor', createdAt: now, updatedAt: now }));
}, 60_000);

afterAll(() => runtime?.uninstall());

describe('page-event logging in the Forge-packaged app', () => {
  it('an edit that changes no link writes no log line; a retitle of a shared page writes one', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await runtime.invokeEvent(index, 'pageEventHandler', edited('1002', 'A page nobody shared'));
      await runtime.invokeEvent(index, 'pageEventHandler', edited('1001', 'Product Handbook'));
      expect(log).not.toHaveBeenCalled();
      await runtime.invokeEvent(index, 'pageEventHandler', edited('1001', 'Product Handbook, 2nd edition'));
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0]![1])).toContain('"linksRetitled":1');
    } finally {
      log.mockRestore();
    }
  });
});

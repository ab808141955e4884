/**
 * Local stand-ins for what Forge does on its own: product events (page updated/trashed/restored/deleted)
 * and the hourly scheduled trigger. `POST /dev/pages/<id>/<action>` changes the fixture page, then hands
 * the same event payload shape Forge would deliver to the same handler; `POST /dev/sweep` runs the sweep.
 */
import { handlePageEvent, PAGE_EVENTS } from '../app/lifecycle';
import { runSweep } from '../app/sweep';
import type { HttpResponse } from '../web/http';
import { runConfluenceInvocation } from './confluence-emulator/rest-adapter';
import { jsonResponse } from './json-response';
import type { LocalApp } from './local-app';

const ACTIONS = {
  update: PAGE_EVENTS.updated,
  trash: PAGE_EVENTS.trashed,
  restore: PAGE_EVENTS.restored,
  delete: PAGE_EVENTS.deleted,
  archive: PAGE_EVENTS.archived,
  unarchive: PAGE_EVENTS.unarchived,
} as const;

type PageAction = keyof typeof ACTIONS;
const isPageAction = (value: string): value is PageAction => Object.hasOwn(ACTIONS, value);

const changeFixturePage = async (app: LocalApp, pageId: string, action: PageAction): Promise<void> => {
  switch (action) {
    case 'update': {
      const page = app.site.page(pageId);
      const stamp = new Date(app.deps.clock.now()).toISOString();
      await app.site.updatePage(pageId, { body: `${page?.bodyHtml ?? ''}\n<p>Edited locally at ${stamp}.</p>` });
      return;
    }
    case 'trash':
      return app.site.trashPage(pageId);
    case 'restore':
      return app.site.restorePage(pageId);
    case 'delete':
      return app.site.deletePage(pageId);
    case 'archive':
      return app.site.archivePage(pageId);
    case 'unarchive':
      return app.site.restorePage(pageId);
  }
};

/** Handles `POST /dev/pages/<id>/<update|trash|restore|delete|archive|unarchive>` and `POST /dev/sweep`. */
export const handleDevEvent = async (app: LocalApp, method: string, path: string): Promise<HttpResponse> => {
  if (method !== 'POST') return jsonResponse(405, { error: 'Use POST.' });
  if (path === '/dev/sweep') return jsonResponse(200, await runSweep(app.deps));

  const match = /^\/dev\/pages\/([0-9]{1,20})\/([a-z]+)$/.exec(path);
  const pageId = match?.[1];
  const action = match?.[2];
  if (pageId === undefined || action === undefined || !isPageAction(action)) {
    return jsonResponse(404, { error: 'Use POST /dev/pages/<pageId>/<update|trash|restore|delete|archive|unarchive> or POST /dev/sweep.' });
  }
  // Read from the site itself: the app user may not be allowed to see the page.
  const page = app.site.page(pageId);
  try {
    await changeFixturePage(app, pageId, action);
  } catch (error) {
    return jsonResponse(404, { error: error instanceof Error ? error.message : `Page ${pageId} cannot be changed.` });
  }
  const outcome = await handlePageEvent(
    {
      eventType: ACTIONS[action],
      atlassianId: 'u-editor',
      eventCreatedDate: new Date(app.deps.clock.now()).toISOString(),
      suppressNotifications: false,
      selfGenerated: false,
      content: {
        id: pageId,
        type: 'page',
        status: action === 'trash' ? 'trashed' : action === 'delete' ? 'deleted' : action === 'archive' ? 'archived' : 'current',
        title: page?.title ?? '',
        space: { id: page?.spaceId ?? '', key: page?.spaceKey ?? '' },
      },
    },
    app.deps,
  );
  return jsonResponse(200, outcome);
};

/** Runs the sweep periodically as Forge's scheduled trigger would; returns a stop function. */
export const startSweepTimer = (app: LocalApp, intervalMs: number): (() => void) => {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runConfluenceInvocation(() => runSweep(app.deps))
      .catch((error: unknown) => console.error('Local sweep failed', error instanceof Error ? error.message : error))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
};

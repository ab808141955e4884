/**
 * `/subscriptions/<id>/<confirm|unsubscribe>?sig=…`: the links in subscription and page-update
 * emails. They cannot live below /s/<token> because the app never stores tokens, so the scheduled
 * sweep could not build such URLs; the HMAC signature is the capability instead.
 * GET never changes anything (mail scanners follow links): it shows a button that POSTs.
 */
import type { AppDeps } from '../app/deps';
import {
  loadSiteSettings,
  parseSubscriptionPath,
  performSubscriptionAction,
  subscriptionActionUrl,
  verifySubscriptionSignature,
} from '../app/notifications';
import type { HttpRequest, HttpResponse } from './http';
import { html } from './render/escape';
import { renderLayout } from './render/layout';
import { renderMessagePage } from './render/pages';
import { htmlResponse } from './responses';

const COPY = {
  confirm: { title: 'Confirm email updates', button: 'Confirm', done: 'You will get an email when the shared page changes.', doneTitle: 'Subscription confirmed' },
  unsubscribe: { title: 'Stop email updates', button: 'Unsubscribe', done: 'You will no longer get emails about this page.', doneTitle: 'You are unsubscribed' },
} as const;

/** Answers subscription links; null for any other path so the share handler continues. */
export const handleSubscriptionLink = async (deps: AppDeps, req: HttpRequest): Promise<HttpResponse | null> => {
  const route = parseSubscriptionPath(req.path);
  if (!route) return null;
  const site = await loadSiteSettings(deps);
  const branding = site.customization;
  const method = req.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    const refused = htmlResponse(405, renderMessagePage({ title: 'Not allowed', message: 'This address does not accept that kind of request.', branding }), [], branding);
    return { ...refused, headers: { ...refused.headers, Allow: ['GET, POST'] } };
  }
  const signature = req.query.sig?.[0] ?? '';
  const invalid = () =>
    htmlResponse(400, renderMessagePage({ title: 'Invalid link', message: 'This link is not valid. Use the link from the latest email.', branding }), [], branding);
  if (!(await verifySubscriptionSignature(deps, { id: route.id, action: route.action, signature }))) return invalid();
  const copy = COPY[route.action];
  if (method === 'GET') {
    const action = await subscriptionActionUrl(deps, site, route.action, route.id);
    return htmlResponse(
      200,
      renderLayout({
        title: copy.title,
        branding,
        main: html`<div class="card"><h1>${copy.title}</h1><form class="stack" method="post" action="${action}"><button type="submit">${copy.button}</button></form></div>`,
      }),
      [],
      branding,
    );
  }
  const result = await performSubscriptionAction(deps, { id: route.id, action: route.action, signature });
  if (result === 'invalid') {
    return htmlResponse(404, renderMessagePage({ title: 'Subscription not found', message: 'This subscription no longer exists.', branding }), [], branding);
  }
  return htmlResponse(200, renderMessagePage({ title: copy.doneTitle, message: copy.done, branding }), [], branding);
};

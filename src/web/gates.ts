import { timingSafeEqual } from 'node:crypto';
import { linkAuditScope, recordAudit } from '../app/audit';
import { normalizeVisitorEmail, sendCode, verifyCode, type CodeCrypto, type CodePurpose } from '../app/view/email-code';
import { notifyLinkUnderAttack } from '../app/notifications';
import { checkLinkPassword, LINK_ATTACK_FAILURES, type PasswordThrottle } from '../app/view/password-gate';
import { decideView, narrowLinkSelectedUsers } from '../core/policy';
import { matchesSelectedUsers } from '../core/selected-users';
import type { HttpResponse } from './http';
import { escapeHtml, stripUnsafeCharacters } from './render/escape';
import { plural, renderEmailGate, renderPasswordGate, renderSsoGate, type Notice } from './render/pages';
import { htmlResponse, redirectResponse } from './responses';
import type { ShareContext } from './share-context';
import { cookiesToRefresh, messageResponse, redirectWithSession } from './share-responses';
import { keyedDigest } from './session';
import { SHARED_WITH_ME_PATH } from './shared-with-me';
import { anotherAccountUrl } from './sso-account';
import { ssoGate, type SsoGateInput } from './sso-gate';
import { subscribeEmail, updatesUrl } from './visitor-actions';

export { ssoApplies } from './sso-account';

/**
 * The page a visitor asked for before a gate stopped them: the page route's id, or the `p` field the
 * gate form carried. Only a plain page id is accepted; the page route re-checks tree membership.
 */
const returnPageId = (ctx: ShareContext): string | null => {
  const fromForm = ctx.form?.fields['p'];
  if (fromForm !== undefined) return /^[1-9][0-9]{0,19}$/.test(fromForm) ? fromForm : null;
  return ctx.route.kind === 'page' ? ctx.route.pageId : null;
};

const afterGate = (ctx: ShareContext): string => {
  const pageId = returnPageId(ctx);
  return pageId ? ctx.plainUrls.page(pageId) : ctx.plainUrls.root();
};

const secretsOf = (ctx: ShareContext) => ({ csrf: ctx.csrf, ticket: ctx.ticket, returnTo: returnPageId(ctx) });

export const passwordGatePage = (ctx: ShareContext, status = 200, error?: string): HttpResponse =>
  htmlResponse(
    status,
    renderPasswordGate({ branding: ctx.site.customization, action: ctx.urls.action(null, '/password'), secrets: secretsOf(ctx), error }),
    cookiesToRefresh(ctx),
    ctx.site.customization,
  );

export const emailGatePage = (
  ctx: ShareContext,
  options: { step: 'ask' | 'verify'; purpose: CodePurpose; email?: string; error?: string; notice?: Notice; status?: number },
): HttpResponse =>
  htmlResponse(
    options.status ?? 200,
    renderEmailGate({
      branding: ctx.site.customization,
      sendAction: ctx.urls.action(null, '/email/send'),
      verifyAction: ctx.urls.action(null, '/email/verify'),
      secrets: secretsOf(ctx),
      step: options.step,
      email: options.email,
      error: options.error,
      notice: options.notice,
      purpose: options.purpose,
      sharedWithMeUrl: options.purpose === 'open' ? `${ctx.plainUrls.base}${SHARED_WITH_ME_PATH}` : null,
    }),
    cookiesToRefresh(ctx),
    ctx.site.customization,
  );

/**
 * The SSO gate. With `refused`, the account the visitor signed in with is named with the reason it
 * cannot open the page, and "Use another account" restarts the sign-in asking for another account.
 */
export const ssoGatePage = (ctx: ShareContext, refused?: { email: string; status?: number; back?: boolean }): HttpResponse =>
  htmlResponse(
    refused?.status ?? 200,
    renderSsoGate({
      branding: ctx.site.customization,
      startUrl: ctx.urls.ssoStart(),
      anotherAccountUrl: anotherAccountUrl(ctx),
      refusedEmail: refused?.email ?? null,
      back: refused?.back ? { url: ctx.urls.root(), label: 'Back to the page' } : null,
    }),
    cookiesToRefresh(ctx),
    ctx.site.customization,
  );

const minutes = (ms: number): number => Math.max(1, Math.ceil(ms / 60_000));

export const handlePassword = async (ctx: ShareContext, throttle: PasswordThrottle): Promise<HttpResponse> => {
  const password = ctx.form?.fields['password'] ?? '';
  const outcome = await checkLinkPassword(ctx.deps, ctx.link, password, throttle);
  const audit = (action: 'gate_passed' | 'gate_failed', detail: string) =>
    recordAudit(ctx.deps, { action, actor: 'visitor', linkId: ctx.link.id, pageId: ctx.link.pageId, spaceKey: ctx.link.spaceKey, detail });
  switch (outcome.kind) {
    case 'invalid_input':
      return passwordGatePage(ctx, 400, outcome.message);
    case 'locked':
      await audit('gate_failed', 'password: too many attempts');
      return messageResponse(
        ctx,
        429,
        'Too many attempts',
        `Too many wrong passwords were tried from your network. Try again in ${plural(minutes(outcome.retryAfterMs), 'minute', 'minutes')}.`,
        { url: ctx.urls.root(), label: 'Back' },
      );
    case 'wrong':
      await Promise.all([
        audit('gate_failed', 'password: wrong'),
        outcome.linkFailures >= LINK_ATTACK_FAILURES ? notifyLinkUnderAttack(ctx.deps, ctx.link, outcome.linkFailures, ctx.site) : Promise.resolve(false),
      ]);
      return passwordGatePage(ctx, 401, 'That password is not correct.');
    case 'passed':
      await audit('gate_passed', 'password');
      return redirectWithSession(ctx, { ...ctx.session, passwordPassed: true }, afterGate(ctx));
  }
};

export const codeCrypto = (key: Buffer): CodeCrypto => ({
  digest: (domain, value) => keyedDigest(key, domain, value),
  same: (a, b) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  },
});

const purposeOf = (ctx: ShareContext): CodePurpose => (ctx.form?.fields['purpose'] === 'subscribe' ? 'subscribe' : 'open');

/** Whether `purpose` is possible now: opening needs the email gate pending; subscribing needs access and allowSubscribe. */
const purposeApplies = (ctx: ShareContext, purpose: CodePurpose): boolean =>
  purpose === 'open'
    ? ctx.decision.effect === 'gate' && ctx.decision.gate === 'email_code'
    : ctx.decision.effect === 'allow' && ctx.decision.permissions.allowSubscribe;

const mailFor = (ctx: ShareContext, purpose: CodePurpose) => (code: string) => {
  const title = stripUnsafeCharacters(ctx.link.pageTitle);
  const what = purpose === 'open' ? `open the shared page "${title}"` : `confirm email updates for "${title}"`;
  return {
    subject: `Your code: ${code}`,
    text: `Your one-time code to ${what} is ${code}.\n\nIt is valid for 10 minutes. If you did not ask for it, ignore this email.\n`,
    html: `<p>Your one-time code to ${escapeHtml(what)} is</p><p style="font-size:24px;font-weight:700;letter-spacing:4px">${code}</p><p>It is valid for 10 minutes. If you did not ask for it, ignore this email.</p>`,
  };
};

const replyFloor = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

const SENT_NOTICE: Notice = {
  kind: 'info',
  text: 'If this address may open the page, we sent a 6-digit code to it. The code is valid for 10 minutes.',
};

export const handleEmailSend = async (ctx: ShareContext): Promise<HttpResponse> => {
  const purpose = purposeOf(ctx);
  if (!purposeApplies(ctx, purpose)) return redirectWithSession(ctx, ctx.session, ctx.plainUrls.root());
  const raw = ctx.form?.fields['email'] ?? '';
  const email = normalizeVisitorEmail(raw);
  if (email === null) {
    return emailGatePage(ctx, { step: 'ask', purpose, email: raw.slice(0, 254), error: 'Enter a valid email address, like name@example.com.', status: 400 });
  }
  const selected = narrowLinkSelectedUsers(ctx.link.selectedUsers, ctx.policy);
  const allowed = selected.length === 0 ? purpose === 'subscribe' : matchesSelectedUsers(email, selected);
  await Promise.all([
    sendCode(ctx.deps, codeCrypto(ctx.key), {
      link: ctx.link,
      email,
      allowed,
      sessionId: ctx.session.sessionId,
      clientKey: ctx.clientKey,
      purpose,
      message: mailFor(ctx, purpose),
    }),
    replyFloor(ctx.options.codeReplyFloorMs ?? 0),
  ]);
  // The same page whether or not the address may open the link (M1).
  return emailGatePage(ctx, { step: 'verify', purpose, email, notice: SENT_NOTICE });
};

export const handleEmailVerify = async (ctx: ShareContext): Promise<HttpResponse> => {
  const purpose = purposeOf(ctx);
  if (!purposeApplies(ctx, purpose)) return redirectWithSession(ctx, ctx.session, ctx.plainUrls.root());
  const email = normalizeVisitorEmail(ctx.form?.fields['email'] ?? '');
  if (email === null) return emailGatePage(ctx, { step: 'ask', purpose, error: 'Enter a valid email address.', status: 400 });
  const code = (ctx.form?.fields['code'] ?? '').trim();
  if (!/^[0-9]{6}$/.test(code)) {
    return emailGatePage(ctx, { step: 'verify', purpose, email, error: 'Enter the 6-digit code from the email.', status: 400 });
  }
  const outcome = await verifyCode(ctx.deps, codeCrypto(ctx.key), { link: ctx.link, email, code, sessionId: ctx.session.sessionId });
  const audit = (action: 'gate_passed' | 'gate_failed', detail: string) =>
    recordAudit(ctx.deps, { action, actor: 'visitor', linkId: ctx.link.id, pageId: ctx.link.pageId, spaceKey: ctx.link.spaceKey, detail });
  if (outcome.kind === 'exhausted') {
    await audit('gate_failed', 'email code: attempts exhausted');
    return emailGatePage(ctx, { step: 'ask', purpose, email, error: 'Too many wrong codes. Request a new code.', status: 429 });
  }
  if (outcome.kind === 'wrong' || outcome.purpose !== purpose) {
    await audit('gate_failed', 'email code: wrong or expired');
    return emailGatePage(ctx, { step: 'verify', purpose, email, error: 'The code is wrong or has expired. Check it or request a new code.', status: 401 });
  }
  await audit('gate_passed', purpose === 'open' ? 'email code' : 'email confirmed for updates');
  const session = { ...ctx.session, verifiedEmail: email };
  if (purpose === 'subscribe' && ctx.decision.effect === 'allow') {
    // Confirming the address for updates subscribes it in the same step.
    const outcome = await subscribeEmail(ctx, ctx.decision.permissions, returnPageId(ctx), email);
    if (!outcome.ok) return outcome.response;
    return redirectWithSession(ctx, session, updatesUrl(ctx, outcome.pageId, outcome.notice, ctx.plainUrls));
  }
  return redirectWithSession(ctx, session, afterGate(ctx));
};

/** Whether `email`, proven by SSO, lets this visitor in (or at most leaves another gate to pass). */
const ssoAccountAdmitted = (ctx: ShareContext, email: string): boolean => {
  const decision = decideView({
    link: ctx.link,
    policy: ctx.policy,
    now: ctx.now,
    clientIp: ctx.clientIp,
    session: { passwordPassed: ctx.session.passwordPassed, verifiedEmail: ctx.session.verifiedEmail, ssoEmail: email },
  });
  return !(decision.effect === 'deny' && decision.reason === 'email_not_selected');
};

export const handleSso = async (ctx: ShareContext, step: 'start' | 'callback'): Promise<HttpResponse> => {
  const wantsAnotherAccount = step === 'start' && ctx.req.query['account']?.[0] === 'other';
  const input: SsoGateInput = {
    req: ctx.req,
    deps: ctx.deps,
    link: ctx.link,
    site: ctx.site,
    sessionId: ctx.session.sessionId,
    returnUrl: ctx.plainUrls.root(),
    callbackUrl: ctx.plainUrls.ssoCallback(),
    secureCookies: ctx.cookie.policy.secure,
    ...(wantsAnotherAccount ? { prompt: 'select_account' as const } : {}),
  };
  let outcome;
  try {
    outcome = step === 'start' ? await ssoGate.start(input) : await ssoGate.callback(input);
  } catch {
    outcome = { kind: 'error', status: 502, title: 'Sign-in failed', message: 'The sign-in could not be completed. Try again.' } as const;
  }
  switch (outcome.kind) {
    case 'redirect': {
      return redirectResponse(outcome.location, [...cookiesToRefresh(ctx), ...(outcome.setCookies ?? [])]);
    }
    case 'verified': {
      const email = outcome.email.trim().toLowerCase();
      // A refused account never enters the session: the browser is not locked out, and the visitor
      // learns which account was refused and may sign in with another one.
      if (!ssoAccountAdmitted(ctx, email)) {
        await recordAudit(ctx.deps, {
          action: 'gate_failed',
          actor: 'visitor',
          ...linkAuditScope(ctx.link),
          detail: 'sso: the signed-in account is not among the selected users',
        });
        return ssoGatePage(ctx, { email, status: 403, back: ctx.decision.effect === 'allow' });
      }
      await recordAudit(ctx.deps, {
        action: 'gate_passed',
        actor: 'visitor',
        ...linkAuditScope(ctx.link),
        detail: 'sso',
      });
      return redirectWithSession(ctx, { ...ctx.session, ssoEmail: email }, ctx.plainUrls.root());
    }
    case 'error':
      // An account the provider would not vouch for (email not verified): offer another one.
      return messageResponse(
        ctx,
        outcome.status,
        outcome.title,
        outcome.message,
        outcome.status === 403 ? { url: anotherAccountUrl(ctx), label: 'Use another account' } : { url: ctx.urls.root(), label: 'Back' },
      );
  }
};

/** The page shown for a pending gate on a page route. */
export const gatePageFor = (ctx: ShareContext, gate: 'password' | 'email_code' | 'sso'): HttpResponse => {
  switch (gate) {
    case 'password':
      return passwordGatePage(ctx);
    case 'email_code':
      return emailGatePage(ctx, {
        step: 'ask',
        purpose: 'open',
        ...(ctx.refusedIdentity
          ? { notice: { kind: 'bad' as const, text: `${ctx.refusedIdentity.email} can no longer open this page. Verify another address, or ask the person who shared the link.` } }
          : {}),
      });
    case 'sso':
      return ssoGatePage(ctx, ctx.refusedIdentity?.via === 'sso' ? { email: ctx.refusedIdentity.email } : undefined);
  }
};

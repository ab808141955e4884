/**
 * Setup confidence (issue 13): the Getting started checklist, Send test email, Test sign-in, the
 * custom-domain check and the reset counts. Confluence admins only: every use case re-checks the caller
 * (authorizeSiteAdmin), who comes only from the resolver context.
 */
import { callerFrom, type Caller } from '../authorize';
import type { AppDeps } from '../deps';
import { previewReset } from '../reset';
import { getSetupStatus, markPolicyReviewed, sendTestEmail, startDomainCheck, startSsoTest } from '../setup';
import { invalidInputFrom, type ResolverHandler } from './define';
import { noSetupPayload, sendTestEmailPayload } from './setup-schemas';

type Parsed<T> = { success: true; data: T } | { success: false; error: unknown };

/** Caller first, then the payload (as defineResolver), for zod/mini schemas. */
const define =
  <T>(schema: { safeParse(data: unknown): Parsed<T> }, run: (deps: AppDeps, caller: Caller, payload: T) => Promise<unknown>): ResolverHandler =>
  async (req, deps) => {
    const caller = callerFrom(req.context);
    const parsed = schema.safeParse(req.payload ?? {});
    if (!parsed.success) throw invalidInputFrom(parsed.error as Parameters<typeof invalidInputFrom>[0]);
    return run(deps, caller, parsed.data);
  };

/** Registered in resolvers/index.ts. */
export const setupResolvers: Record<'getSetupStatus' | 'sendTestEmail' | 'markPolicyReviewed' | 'startSsoTest' | 'startDomainCheck' | 'previewReset', ResolverHandler> = {
  getSetupStatus: define(noSetupPayload, (deps, caller) => getSetupStatus(deps, caller)),
  sendTestEmail: define(sendTestEmailPayload, (deps, caller, p) => sendTestEmail(deps, caller, p)),
  markPolicyReviewed: define(noSetupPayload, (deps, caller) => markPolicyReviewed(deps, caller)),
  startSsoTest: define(noSetupPayload, (deps, caller) => startSsoTest(deps, caller)),
  startDomainCheck: define(noSetupPayload, (deps, caller) => startDomainCheck(deps, caller)),
  previewReset: define(noSetupPayload, (deps, caller) => previewReset(deps, caller)),
};

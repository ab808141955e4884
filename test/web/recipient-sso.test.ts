/**
 * Recipient SSO account switch over real HTTP, with local mode's demo identity provider: a refused
 * account is named with the reason, never enters the session (the browser is not locked out), and
 * "Use another account" restarts the sign-in with prompt=select_account. A session that still carries
 * an identity the link no longer admits is cleaned and faces the gate again instead of the 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/local-server';
import { formWith, linksOf, Visitor, type VisitorResponse } from '../support/visitor';

let server: TestServer;
let ssoLinkPath: string;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  const link = server.demoLinks.find((l) => l.title === 'SSO link');
  if (!link) throw new Error('no SSO demo link seeded');
  ssoLinkPath = new URL(link.url).pathname;
});

afterAll(async () => {
  await server?.stop();
});

/** Follows a sign-in from `startPath` through the demo provider's form to the last of our answers. */
const signInFrom = async (visitor: Visitor, startPath: string, email: string, verified = true): Promise<{ authorize: URL; last: VisitorResponse }> => {
  const start = await visitor.get(startPath);
  expect(start.status, start.text).toBe(303);
  const authorize = new URL(start.location ?? '');
  const form = await visitor.get(authorize.href);
  const fields = formWith(form.text, 'email');
  let current = await visitor.postForm(new URL(fields.action, server.url).href, {
    ...fields.fields,
    email,
    ...(verified ? { email_verified: 'true' } : {}),
    decision: 'approve',
  });
  for (let i = 0; i < 5 && current.location && current.status >= 300 && current.status < 400; i += 1) {
    current = await visitor.get(current.location);
  }
  return { authorize, last: current };
};

const anotherAccountLink = (page: string): string => {
  const link = linksOf(page).find((l) => l.text === 'Use another account');
  if (!link) throw new Error(`no "Use another account" link in:\n${page.slice(0, 1500)}`);
  return new URL(link.href).pathname + new URL(link.href).search;
};

describe('recipient: SSO account switch', () => {
  it('a refused account is named with the reason; the browser keeps the gate, not the 404', async () => {
    const visitor = new Visitor(server.url);
    const { authorize, last } = await signInFrom(visitor, `${ssoLinkPath}/sso/start`, 'sam@elsewhere.example');
    expect(authorize.searchParams.get('prompt')).toBeNull();
    expect(last.status).toBe(403);
    expect(last.text).toContain('This account cannot open the page');
    expect(last.text).toContain('You are signed in as <strong>sam@elsewhere.example</strong>');
    expect(last.text).toContain('not one of them');
    expect(last.text).not.toContain('Getting started');
    // Not poisoned: the link still shows its sign-in gate in this browser.
    const again = await visitor.get(ssoLinkPath);
    expect(again.status).toBe(200);
    expect(again.text).toContain('Sign in required');
    expect(again.text).not.toContain('This link is not available');
  });

  it('"Use another account" asks the provider for another account and lets the right one in', async () => {
    const visitor = new Visitor(server.url);
    const refused = await signInFrom(visitor, `${ssoLinkPath}/sso/start`, 'sam@elsewhere.example');
    const switchPath = anotherAccountLink(refused.last.text);
    expect(switchPath).toBe(`${ssoLinkPath}/sso/start?account=other`);
    const { authorize, last } = await signInFrom(visitor, switchPath, 'jo@partner.example');
    expect(authorize.searchParams.get('prompt')).toBe('select_account');
    expect(last.status, last.text).toBe(200);
    expect(last.text).toContain('Getting started');
    expect(last.text).toContain('Signed in as <strong>jo@partner.example</strong>');
    // A signed-in visitor may switch too: a refused second account leaves the first one in place.
    const switchAgain = anotherAccountLink(last.text);
    const second = await signInFrom(visitor, switchAgain, 'sam@elsewhere.example');
    expect(second.authorize.searchParams.get('prompt')).toBe('select_account');
    expect(second.last.status).toBe(403);
    expect(second.last.text).toContain('sam@elsewhere.example');
    expect(linksOf(second.last.text).some((l) => l.text === 'Back to the page')).toBe(true);
    const still = await visitor.get(ssoLinkPath);
    expect(still.status).toBe(200);
    expect(still.text).toContain('Signed in as <strong>jo@partner.example</strong>');
  });

  it('an account whose address the provider did not verify is refused with "Use another account"', async () => {
    const visitor = new Visitor(server.url);
    const { last } = await signInFrom(visitor, `${ssoLinkPath}/sso/start`, 'ann@partner.example', false);
    expect(last.status).toBe(403);
    expect(last.text).toContain('Email address not verified');
    expect(anotherAccountLink(last.text)).toBe(`${ssoLinkPath}/sso/start?account=other`);
  });

  it('an unknown account value starts a normal sign-in (no prompt)', async () => {
    const visitor = new Visitor(server.url);
    await visitor.get(ssoLinkPath);
    const start = await visitor.get(`${ssoLinkPath}/sso/start?account=%22%3E%3Cscript%3E`);
    expect(start.status).toBe(303);
    expect(new URL(start.location ?? '').searchParams.get('prompt')).toBeNull();
  });

  it('a session whose account the link stopped admitting faces the gate again, naming the account', async () => {
    const visitor = new Visitor(server.url);
    const { last } = await signInFrom(visitor, `${ssoLinkPath}/sso/start`, 'ann@partner.example');
    expect(last.text).toContain('Getting started');
    const stored = (await server.deps.store.links.list({}, { limit: 100 })).items.find((l) => l.name === 'Demo: SSO required');
    if (!stored) throw new Error('SSO demo link not stored');
    await server.deps.store.links.update({ ...stored, selectedUsers: ['jo@partner.example'], version: stored.version + 1 }, stored.version);
    const gate = await visitor.get(ssoLinkPath);
    expect(gate.status).toBe(200);
    expect(gate.text).toContain('You are signed in as <strong>ann@partner.example</strong>');
    expect(gate.text).toContain('Use another account');
    // The identity left the session: a second request shows the plain sign-in gate.
    const next = await visitor.get(ssoLinkPath);
    expect(next.text).toContain('Sign in required');
    await server.deps.store.links.update({ ...stored, version: stored.version + 2 }, stored.version + 1);
  });
});

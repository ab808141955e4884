import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserChecks, DiagnosticsResults } from '../../src/app/diagnostics';
import { defaultSiteSettings } from '../../src/core/defaults';
import { GlobalSettingsApp, GLOBAL_SECTIONS } from '../../src/frontend/components/global-settings-app';
import { openAdminSection } from './admin-navigation';
import { fakeHost } from './fake-host';
import { fail, globalContext, ok } from './fixtures';
import { button, byType, click, field, hasText, render, selectTab, type } from './forge-doc';

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);
const openDiagnostics = async () => {
  await render(<GlobalSettingsApp />);
  await openAdminSection('Diagnostics');
};

const server: DiagnosticsResults['server'] = {
  kvsConflictCodes: { createExisting: '409 KEY_CONFLICT', conditionFailed: '409 CONDITION_FAILED' },
  nestedNulls: 'kept',
  attachmentDownload: { outcome: 'ok', detail: '"spec.txt" on page 1001 downloaded intact (120 bytes).' },
};
const browser: BrowserChecks = {
  at: Date.UTC(2026, 11, 3, 1, 0),
  ipHeaders: [
    { name: 'x-forwarded-for', value: '203.0.113.9', forgeable: false },
    { name: 'true-client-ip', value: '203.0.113.9', forgeable: true },
  ],
  recommendedIpHeader: 'x-forwarded-for',
  cookies: { first: true, second: true },
  securityHeaders: { 'X-Frame-Options': 'kept', 'Content-Security-Policy': 'changed' },
  redirect303: true,
  requestBody: { encoding: null, detail: '1020 characters arrived for 1024 bytes sent, not byte-exact' },
  responseBody: { mode: 'base64-flag', detail: 'byte-exact' },
};
const PROBE = `https://abc.webtrigger.atlassian.app/public/xyz/diag/${'n'.repeat(43)}`;

beforeEach(() => {
  fakeHost.reset();
  fakeHost.context = globalContext();
});

describe('Diagnostics tab', () => {
  it('is listed in global settings and says when the self-test never ran', async () => {
    fakeHost.resolvers.getDiagnostics = () => ok({ results: null });
    await openDiagnostics();
    expect(GLOBAL_SECTIONS.map((t) => t.label)).toContain('Diagnostics');
    expect(hasText('The self-test has not been run on this site yet.')).toBe(true);
  });

  it('runs the server checks, opens the one-time browser check in a new tab, then shows what it saw', async () => {
    fakeHost.resolvers.getDiagnostics = () => ok({ results: null });
    fakeHost.resolvers.runDiagnostics = () => ok({ results: { ranAt: Date.UTC(2026, 11, 3), ranBy: 'u-site-admin', server, browser: null }, probeUrl: PROBE, probeExpiresAt: 1 });
    await openDiagnostics();
    await type(field('Page with an attachment (optional)'), ' 1001 ');
    await click(button('Run self-test'));
    expect(payloadsOf('runDiagnostics')).toEqual([{ pageId: '1001' }]);
    expect(hasText(/Creating a record that already exists answered "409 KEY_CONFLICT"/)).toBe(true);
    expect(hasText('"spec.txt" on page 1001 downloaded intact (120 bytes).')).toBe(true);
    expect(hasText('Not run yet: pictures, downloads and uploads keep the safe choice.')).toBe(true);

    await click(button('Open the browser check'));
    expect(fakeHost.calls.filter((c) => c.cmd === 'navigate').map((c) => c.data)).toEqual([{ url: PROBE, type: 'new-tab' }]);

    fakeHost.resolvers.getDiagnostics = () => ok({ results: { ranAt: Date.UTC(2026, 11, 3), ranBy: 'u-site-admin', server, browser } });
    await click(button('Show results'));
    expect(hasText(/The header "x-forwarded-for" carries the visitor's address \(203\.0\.113\.9\)/)).toBe(true);
    expect(hasText('Changed or removed on the way: Content-Security-Policy (changed).')).toBe(true);
    expect(hasText(/Files arrive byte-exact: pictures are loaded separately/)).toBe(true);
    expect(hasText(/Uploaded bytes cannot be shown to arrive intact/)).toBe(true);
    const lozenges = byType('Lozenge').map((l) => l.children.map((c) => c.props.text).join(''));
    expect(lozenges).toContain('Safe fallback');
    expect(lozenges).toContain('Problem');

    fakeHost.resolvers.applyDiagnosticsIpHeader = () => ok({ clientIpHeader: 'x-forwarded-for' });
    await click(button('Use x-forwarded-for for IP allow-lists'));
    expect(payloadsOf('applyDiagnosticsIpHeader')).toEqual([{}]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'IP header saved' });
  });

  it('explains that the browser check needs Forge when no probe URL comes back, and shows refusals', async () => {
    fakeHost.resolvers.getDiagnostics = () => ok({ results: null });
    fakeHost.resolvers.runDiagnostics = () => ok({ results: { ranAt: 1, ranBy: 'u-site-admin', server: { ...server, kvsConflictCodes: null }, browser: null }, probeUrl: null, probeExpiresAt: null });
    await openDiagnostics();
    await click(button('Run self-test'));
    expect(payloadsOf('runDiagnostics')).toEqual([{}]);
    expect(hasText('No browser check here')).toBe(true);
    expect(hasText('Only checked on a Forge installation.')).toBe(true);

    fakeHost.resolvers.runDiagnostics = () => fail('forbidden', 'Only Confluence administrators can do this.');
    await click(button('Run self-test'));
    expect(hasText('You do not have access')).toBe(true);
  });

  it('compares approved outbound hosts with the ones in use: a replaced identity provider left behind is named', async () => {
    fakeHost.resolvers.getDiagnostics = () => ok({ results: null });
    const sso = { issuer: 'https://accounts.google.com', clientId: 'c', scopes: 'openid email', hasClientSecret: true };
    fakeHost.resolvers.getSiteSettings = () => ok({ settings: { ...defaultSiteSettings(0), version: 3, sso }, secrets: { ssoClientSecret: true, emailApiKey: false } });
    fakeHost.resolvers.discoverSsoOrigins = () => ok({ origins: ['https://accounts.google.com', 'https://oauth2.googleapis.com'], problem: null });
    fakeHost.bridgeAnswers.__permission__egressGet = () => ({
      results: [
        {
          key: 'secure-share-sso-issuer',
          configured: [
            { domain: 'https://accounts.google.com', type: ['FETCH_BACKEND_SIDE'] },
            { domain: 'https://oauth2.googleapis.com', type: ['FETCH_BACKEND_SIDE'] },
            { domain: 'https://login.old-idp.com', type: ['FETCH_BACKEND_SIDE'] },
          ],
        },
      ],
    });
    await openDiagnostics();
    await click(button('Check outbound access'));
    expect(hasText(/Replaced hosts stay approved: https:\/\/login\.old-idp\.com\./)).toBe(true);

    fakeHost.bridgeAnswers.__permission__egressGet = () => ({
      results: [{ key: 'secure-share-sso-issuer', configured: [{ domain: 'https://accounts.google.com', type: ['FETCH_BACKEND_SIDE'] }, { domain: 'https://oauth2.googleapis.com', type: ['FETCH_BACKEND_SIDE'] }] }],
    });
    await click(button('Check outbound access'));
    expect(hasText(/Only the hosts in use are approved/)).toBe(true);
  });
});

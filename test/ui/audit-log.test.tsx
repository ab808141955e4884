/**
 * The audit log in plain words, through the real @forge/react reconciler: each entry is a sentence with
 * people, links, pages and spaces by name (the resolver's names), its time in the viewer's locale, and the
 * ids and the UTC time only behind them, in tooltips.
 */
import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { localDateTime } from '../../src/core/audit-sentences';
import { defaultSiteSettings } from '../../src/core/defaults';
import type { AuditEntry } from '../../src/core/model';
import { localDayBound } from '../../src/frontend/components/global/audit-tab';
import { GlobalSettingsApp } from '../../src/frontend/components/global-settings-app';
import type { AuditLogPage } from '../../src/shared/contract';
import { openAdminSection } from './admin-navigation';
import { fakeHost } from './fake-host';
import { globalContext, ok } from './fixtures';
import { allText, byType, hasText, render, textOf } from './forge-doc';

const LINK = 'a7HrG739kQ2mZx8pLw1vNe';
const ANN = '557058:0a1b2c3d-ann';
const AT = Date.UTC(2026, 10, 20, 9, 30);

const entry = (overrides: Partial<AuditEntry>): AuditEntry => ({
  id: 'e1',
  at: AT,
  action: 'link_updated',
  actor: ANN,
  linkId: LINK,
  pageId: '1001',
  spaceKey: 'DEMO',
  detail: '',
  count: 1,
  ...overrides,
});

const page: AuditLogPage = {
  items: [
    entry({ id: 'e1', detail: 'requireSso on, selectedUsers' }),
    entry({ id: 'e2', action: 'view_allowed', actor: 'visitor', linkId: 'old-link', pageId: '2002', detail: '(repeated 3 more times in 09:30–09:31 UTC)', count: 3 }),
    entry({ id: 'e3', action: 'full_reset', linkId: null, pageId: null, spaceKey: null, detail: 'full reset: 1 link(s) and all settings deleted' }),
    entry({ id: 'e4', action: 'policy_space_changed', linkId: null, pageId: null, detail: 'enforceSso on, expiry' }),
  ],
  names: {
    users: { [ANN]: 'Ann Editor' },
    links: { [LINK]: 'Partner review' },
    pages: { '1001': 'Release notes' },
    spaces: { DEMO: 'Demo space' },
  },
};

beforeEach(() => {
  fakeHost.reset();
  fakeHost.context = globalContext();
  fakeHost.resolvers.getAuditLog = () => ok(page);
  fakeHost.resolvers.listAuditExports = () => ok({ exports: [] });
  fakeHost.resolvers.getSiteSettings = () => ok({ settings: { ...defaultSiteSettings(0), version: 1 }, secrets: { ssoClientSecret: false, emailApiKey: false } });
});

describe('audit log in plain words', () => {
  it('says what happened in sentences with names, with plurals, and a full reset as a full reset', async () => {
    await render(<GlobalSettingsApp />);
    await openAdminSection('Audit log');
    expect(hasText("Ann Editor turned on 'Require single sign-on' and changed selected users for 'Partner review' on Release notes.")).toBe(true);
    // An older entry whose link and page have no name any more still reads in words.
    expect(hasText('A visitor opened a link on a page (3 more times within a minute).')).toBe(true);
    expect(hasText('Ann Editor reset Secure Share completely: deleted 1 link and all settings.')).toBe(true);
    expect(hasText("Ann Editor turned on 'Enforce single sign-on' and changed the expiry rule in the sharing settings of Demo space.")).toBe(true);
  });

  it('keeps ids and field names out of the text; they sit behind the sentence in a tooltip', async () => {
    await render(<GlobalSettingsApp />);
    await openAdminSection('Audit log');
    const text = allText();
    for (const raw of [LINK, ANN, '1001', '2002', 'requireSso', 'enforceSso', 'selectedUsers', 'DEMO / 1001']) expect(text).not.toContain(raw);
    const tips = byType('Tooltip').map((t) => String(t.props.content));
    expect(tips).toContain(`link ${LINK}; page 1001; space DEMO; account ${ANN}`);
    const sentenceTip = byType('Tooltip').find((t) => String(t.props.content).startsWith(`link ${LINK}`))!;
    expect(textOf(sentenceTip)).toContain("for 'Partner review' on Release notes");
  });

  it('shows times in the viewer locale, with the UTC time behind them', async () => {
    await render(<GlobalSettingsApp />);
    await openAdminSection('Audit log');
    expect(hasText(localDateTime(AT))).toBe(true);
    const timeTip = byType('Tooltip').find((t) => t.props.content === '2026-11-20 09:30 UTC');
    expect(timeTip && textOf(timeTip)).toBe(localDateTime(AT));
  });

  it('filters by the viewer\'s days: From and To are local midnights, like the times shown', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Australia/Sydney'; // UTC+11 in November
    try {
      expect(localDayBound('2026-11-01', 'start')).toBe(Date.UTC(2026, 9, 31, 13));
      expect(localDayBound('2026-11-01', 'end')).toBe(Date.UTC(2026, 10, 1, 12, 59, 59, 999));
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});

import React, { act } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ShareDialogApp } from '../../src/frontend/components/share-dialog-app';
import { fakeHost } from './fake-host';
import { fail, linkView, ok, openPolicy, pageContext, pageSharing } from './fixtures';
import {
  button,
  byType,
  check,
  choose,
  click,
  field,
  getByText,
  hasText,
  pickDate,
  queryByText,
  settle,
  queryField,
  render,
  select,
  submit,
  textOf,
  type,
} from './forge-doc';

/** Removes a tag the way its × does (UI Kit calls onAfterRemoveAction with the tag's text). */
const callTagRemove = async (tag: ReturnType<typeof byType>[number]) => {
  await act(async () => {
    await (tag.props.onAfterRemoveAction as (text: string) => unknown)(String(tag.props.text));
  });
  await settle();
};

/** Clicks a link card action, opening the ••• row first when the action sits there. */
const clickAction = async (label: string) => {
  if (!queryByText('Button', label) && queryByText('Button', '••• More')) await click(button('••• More'));
  await click(button(label));
};

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);

beforeEach(() => {
  fakeHost.reset();
  fakeHost.context = pageContext('1001');
});

describe('share dialog', () => {
  it('loads the page links and shows status lozenges with the non-compliance reason', async () => {
    fakeHost.resolvers.getPageSharing = () =>
      ok(
        pageSharing({
          links: [
            linkView({ id: 'a', name: 'Partner review' }),
            linkView({ id: 'b', name: 'Old draft', status: 'disabled', effectiveStatus: 'disabled', createdBy: 'u-gone', createdByName: null }),
            linkView({ id: 'c', name: 'Audit', effectiveStatus: 'expired' }),
            linkView({ id: 'd', name: 'Too open', effectiveStatus: 'non_compliant', violations: ['Comments exceed the space cap (View).'] }),
          ],
        }),
      );
    await render(<ShareDialogApp />);
    expect(payloadsOf('getPageSharing')).toEqual([{ pageId: '1001' }]);
    const lozenges = byType('Lozenge').map((n) => n.children.map((c) => c.props.text).join(''));
    expect(lozenges).toEqual(['Active', 'Disabled', 'Expired', 'Non-compliant']);
    expect(hasText('Not compliant: Comments exceed the space cap (View). Edit the link to bring it within the policy.')).toBe(true);
    expect(hasText('Edit the link to extend it.')).toBe(true);
    const createdLines = byType('Text').map((n) => n.children.map((c) => c.props.text).join('')).filter((t) => t.startsWith('Created'));
    expect(createdLines).toHaveLength(4);
    expect(createdLines[0]).toMatch(/^Created by Erin Editor · /);
    // Unknown creator: no account id leaks into the line, only the date.
    expect(createdLines[1]).toMatch(/^Created (?!by)/);
    expect(createdLines.join(' ')).not.toContain('u-');
  });

  it('shows an empty state with the create button when the page has no links', async () => {
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing());
    await render(<ShareDialogApp />);
    expect(getByText('EmptyState', /No secure links yet/)).toBeDefined();
    expect(button('Create & share secure link')).toBeDefined();
  });

  it('shows the resolver error in a SectionMessage with a retry', async () => {
    let calls = 0;
    fakeHost.resolvers.getPageSharing = () => (++calls === 1 ? fail('upstream_unavailable', 'Confluence did not answer.') : ok(pageSharing()));
    await render(<ShareDialogApp />);
    const message = getByText('SectionMessage', /Confluence did not answer/);
    expect(message.props.appearance).toBe('error');
    await click(button('Try again'));
    expect(calls).toBe(2);
    expect(hasText('No secure links yet')).toBe(true);
  });

  it('creates a link with the chosen settings, then shows the URL once with a copy-it-now message', async () => {
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing());
    fakeHost.resolvers.createLink = (payload) => {
      const { settings } = payload as { settings: { name: string } };
      const { createdByName: _none, ...link } = linkView({ id: 'new1', name: settings.name });
      return ok({ link, url: 'http://localhost:8787/s/TOKEN123' });
    };
    await render(<ShareDialogApp />);
    await click(button('Create & share secure link'));
    await type(field('Name'), 'For ACME');
    await type(field('Description'), 'Q4 review');
    await select(field('Comments'), 'view_add');
    await select(field('Attachments'), 'none');
    await check(field('Include child pages'), true);
    await type(field('Only child pages with labels'), 'public, external');
    await type(field('Exclude child pages with labels'), 'draft');
    await check(field('Share restricted child pages'), true);
    await check(field('Show who shared the page'), true);
    await check(field('Let recipients subscribe to updates by email'), true);
    await pickDate(field('Expires on'), '2099-01-31');
    await type(field('Password'), 's3cret-pass');
    await type(field('Allowed IP addresses'), '203.0.113.0/24, 2001:db8::1');
    await type(field('Selected users'), 'ann@acme.com @partner.com');
    await check(field('Require single sign-on'), true);
    await submit(byType('Form')[0]!);

    expect(payloadsOf('createLink')).toEqual([
      {
        pageId: '1001',
        password: 's3cret-pass',
        notifyNewUsers: {},
        settings: {
          name: 'For ACME',
          description: 'Q4 review',
          comments: 'view_add',
          attachments: 'none',
          includeChildren: true,
          withLabels: ['public', 'external'],
          withoutLabels: ['draft'],
          shareRestrictedChildren: true,
          showCreator: true,
          allowSubscribe: true,
          expiresAt: Date.parse('2099-01-31T23:59:59.000Z'),
          allowedIps: ['203.0.113.0/24', '2001:db8::1'],
          selectedUsers: ['ann@acme.com', '@partner.com'],
          requireSso: true,
        },
      },
    ]);
    expect(getByText('SectionMessage', /Link “For ACME” created/)).toBeDefined();
    expect(hasText(/You can copy or email this same URL again at any time/)).toBe(true);
    expect(field('Share URL').props.value).toBe('http://localhost:8787/s/TOKEN123');
    expect(field('Share URL').props.isReadOnly).toBe(true);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Secure link created' });
    expect(button('Copy')).toBeDefined();
    // The create answer has no resolved name; the new link is the viewer's own.
    expect(hasText(/Created by you · /)).toBe(true);
  });

  it('does not offer options above the effective policy and marks required fields', async () => {
    fakeHost.resolvers.getPageSharing = () =>
      ok(
        pageSharing({
          policy: openPolicy({
            comments: 'view',
            attachments: 'none',
            childPages: false,
            passwordRequired: true,
            expiry: { kind: 'custom', maxDays: 30 },
            ssoRequired: true,
            enforced: { global: false, space: true },
          }),
        }),
      );
    await render(<ShareDialogApp />);
    await click(button('Create & share secure link'));
    const comments = field('Comments');
    expect((comments.props.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['none', 'view']);
    expect(hasText('Limited to View by the space policy.')).toBe(true);
    const attachments = field('Attachments');
    expect((attachments.props.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['none']);
    expect(attachments.props.isDisabled).toBe(true);
    expect(queryField('Include child pages')).toBeUndefined();
    expect(hasText('Child pages cannot be shared: turned off by the space policy.')).toBe(true);
    const labels = byType('Label');
    const passwordLabel = labels.find((l) => l.props.labelFor === field('Password').props.id)!;
    expect(passwordLabel.children.some((c) => c.type === 'RequiredAsterisk')).toBe(true);
    expect(hasText('Required by the space policy: at most 30 days from today.')).toBe(true);
    expect(field('Expires on').props.maxDate).toBeTypeOf('string');
    const sso = field('Require single sign-on');
    expect(sso.props.isChecked).toBe(true);
    expect(sso.props.isDisabled).toBe(true);

    fakeHost.resolvers.createLink = () => ok({});
    await type(field('Name'), 'x');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('createLink')).toEqual([]);
    expect(hasText('An expiry date is required by the space policy.')).toBe(true);
    expect(hasText('A password is required by the space policy.')).toBe(true);
  });

  it('shows policy_violation details next to the fields they name', async () => {
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing());
    fakeHost.resolvers.createLink = () =>
      fail('policy_violation', 'The link breaks the sharing policy.', [
        { field: 'selectedUsers', rule: 'selectedUsers', message: 'bob@other.com is not in the allowed list.' },
        { field: 'allowedIps', message: '10.0.0.300 is not an IP address.' },
      ]);
    await render(<ShareDialogApp />);
    await click(button('Create & share secure link'));
    await type(field('Name'), 'Bad');
    await submit(byType('Form')[0]!);
    const errors = byType('ErrorMessage').map((n) => n.children.map((c) => c.props.text).join(''));
    expect(errors).toEqual(['10.0.0.300 is not an IP address.', 'bob@other.com is not in the allowed list.']);
    const box = byType('SectionMessage').find((n) => n.props.title === 'The link does not meet the sharing policy');
    expect(box).toBeDefined();
    expect(hasText('2 fields need a change: each is marked below.', box)).toBe(true);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'error', title: 'Link not created' });
  });

  it('checks IP ranges, email entries and the password before sending, and shows every problem at once in plain words', async () => {
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing());
    fakeHost.resolvers.createLink = () =>
      fail('invalid_input', 'This password is too easy to guess.', [{ field: 'password', rule: 'password.strength', message: 'This password is too easy to guess.' }]);
    await render(<ShareDialogApp />);
    await click(button('Create & share secure link'));
    await type(field('Name'), 'Checked');
    await type(field('Allowed IP addresses'), '10.0.0.300, 10.1.0.0/16');
    await type(field('Selected users'), 'ann@acme, @partner.com');
    await type(field('Password'), 'short');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('createLink')).toEqual([]);
    const errors = byType('ErrorMessage').map((n) => n.children.map((c) => c.props.text).join(''));
    expect(errors).toHaveLength(3);
    expect(errors.join(' ')).toMatch(/'10\.0\.0\.300' is not a valid IPv4 or IPv6 address/);
    expect(errors.join(' ')).toMatch(/'ann@acme' is not a valid email address or @domain/);
    expect(errors.join(' ')).toMatch(/at least 8 characters/);
    expect(errors.join(' ')).not.toMatch(/allowedIps|selectedUsers|expiry\./);
    expect(getByText('SectionMessage', /Some entries need a change/)).toBeDefined();
    expect(hasText('3 fields need a change: each is marked below.')).toBe(true);
    expect(hasText(/sharing policy/)).toBe(false);

    await type(field('Allowed IP addresses'), '10.1.0.0/16');
    // The mistyped entry is a red tag: remove it, then add the right one.
    const wrong = byType('Tag').find((t) => t.props.text === 'ann@acme')!;
    expect(wrong.props.color).toBe('redLight');
    await callTagRemove(wrong);
    await type(field('Selected users'), 'ann@acme.com');
    await type(field('Password'), 'password123');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('createLink')).toHaveLength(1);
    // The server's answer lands on the same field, under a title that does not blame the policy.
    expect(byType('ErrorMessage').map((n) => n.children.map((c) => c.props.text).join(''))).toEqual(['This password is too easy to guess.']);
    expect(byType('SectionMessage').some((n) => n.props.title === 'Some entries need a change')).toBe(true);
  });

  it('disables, rotates and deletes a link, each only after confirming; enabling needs no confirmation', async () => {
    const link = linkView({ id: 'a', name: 'Partner review', version: 3 });
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ links: [link] }));
    fakeHost.resolvers.setLinkStatus = (p) => {
      const { status } = p as { status: 'active' | 'disabled' };
      const version = status === 'disabled' ? 4 : 5;
      return ok({ link: { ...link, status, effectiveStatus: status, version } });
    };
    fakeHost.resolvers.rotateLink = () => ok({ link: { ...link, version: 6 }, url: 'http://localhost:8787/s/ROTATED' });
    fakeHost.resolvers.deleteLink = () => ok({ deleted: 'a' });
    await render(<ShareDialogApp />);

    await clickAction('Disable');
    expect(payloadsOf('setLinkStatus')).toEqual([]);
    expect(byType('ModalTitle').map((n) => textOf(n))).toEqual(['Disable “Partner review”?']);
    expect(hasText(/gets a not-found page until you enable it again/)).toBe(true);
    await click(button('Cancel'));
    expect(byType('Modal')).toHaveLength(0);
    expect(payloadsOf('setLinkStatus')).toEqual([]);
    await clickAction('Disable');
    await click(getByText('Button', 'Disable', byType('ModalFooter')[0]!));
    expect(payloadsOf('setLinkStatus')).toEqual([{ linkId: 'a', status: 'disabled', version: 3 }]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Link disabled' });
    await clickAction('Enable');
    expect(byType('Modal')).toHaveLength(0);
    expect(payloadsOf('setLinkStatus').at(-1)).toEqual({ linkId: 'a', status: 'active', version: 4 });
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Link enabled' });

    // Rotating is an explained action of its own: the confirmation says who loses access.
    await clickAction('Rotate URL…');
    expect(byType('Modal')).toHaveLength(1);
    expect(byType('ModalTitle').map((n) => textOf(n))).toEqual(['Rotate the URL of “Partner review”?']);
    expect(hasText(/Everyone who holds the current URL loses access at once/)).toBe(true);
    expect(payloadsOf('rotateLink')).toEqual([]);
    await click(getByText('Button', 'Rotate URL', byType('ModalFooter')[0]!));
    expect(payloadsOf('rotateLink')).toEqual([{ linkId: 'a', version: 5 }]);
    expect(field('Share URL').props.value).toBe('http://localhost:8787/s/ROTATED');
    expect(hasText(/The old URL no longer works/)).toBe(true);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Link rotated' });
    expect(button('Copy')).toBeDefined();

    await clickAction('Delete');
    await click(button('Cancel'));
    expect(payloadsOf('deleteLink')).toEqual([]);
    await clickAction('Delete');
    await click(getByText('Button', 'Delete', byType('ModalFooter')[0]!));
    expect(payloadsOf('deleteLink')).toEqual([{ linkId: 'a' }]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Link deleted' });
    expect(hasText('No secure links yet')).toBe(true);
  });

  it('warns that a URL rotated while the link is disabled does not open until the link is enabled', async () => {
    const link = linkView({ id: 'a', name: 'Paused', version: 2, status: 'disabled', effectiveStatus: 'disabled' });
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ links: [link] }));
    fakeHost.resolvers.rotateLink = () => ok({ link: { ...link, version: 3 }, url: 'http://localhost:8787/s/NEWURL' });
    fakeHost.resolvers.setLinkStatus = () => ok({ link: { ...link, status: 'active', effectiveStatus: 'active', version: 4 } });
    await render(<ShareDialogApp />);
    await clickAction('Rotate URL…');
    await click(getByText('Button', 'Rotate URL', byType('ModalFooter')[0]!));
    expect(field('Share URL').props.value).toBe('http://localhost:8787/s/NEWURL');
    expect(hasText('This link is disabled: the URL opens only after you enable it.')).toBe(true);
    await clickAction('Enable');
    expect(field('Share URL').props.value).toBe('http://localhost:8787/s/NEWURL');
    expect(hasText('This link is disabled')).toBe(false);
  });

  it('reports a failed disable, rotate or delete with an error flag and keeps the link as it was', async () => {
    const link = linkView({ id: 'a', name: 'Partner review', version: 3 });
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ links: [link] }));
    fakeHost.resolvers.setLinkStatus = () => fail('version_conflict', 'Someone else changed this link.');
    fakeHost.resolvers.rotateLink = () => fail('forbidden', 'You cannot edit this page any more.');
    fakeHost.resolvers.deleteLink = () => fail('upstream_unavailable', 'Confluence did not answer.');
    await render(<ShareDialogApp />);
    await clickAction('Disable');
    await click(getByText('Button', 'Disable', byType('ModalFooter')[0]!));
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'error', title: 'Could not disable the link', description: 'Someone else changed this link.' });
    await clickAction('Rotate URL…');
    await click(getByText('Button', 'Rotate URL', byType('ModalFooter')[0]!));
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'error', title: 'Could not rotate the link' });
    expect(queryField('Share URL')).toBeUndefined();
    await clickAction('Delete');
    await click(getByText('Button', 'Delete', byType('ModalFooter')[0]!));
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'error', title: 'Could not delete the link', description: 'Confluence did not answer.' });
    expect(byType('Modal')).toHaveLength(0);
    expect(getByText('Lozenge', 'Active')).toBeDefined();
    expect(hasText('Partner review')).toBe(true);
  });

  it('emails a freshly created link to the recipients', async () => {
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ links: [] }));
    fakeHost.resolvers.createLink = () => ok({ link: linkView({ id: 'n' }), url: 'http://localhost:8787/s/T' });
    fakeHost.resolvers.emailLink = () => ok({ sent: 2 });
    await render(<ShareDialogApp />);
    await click(button('Create & share secure link'));
    await type(field('Name'), 'Mail me');
    await submit(byType('Form')[0]!);
    await click(button('Email this link'));
    await type(field('Recipients'), 'not-an-email');
    await click(button('Send'));
    expect(payloadsOf('emailLink')).toEqual([]);
    expect(hasText('This is not an email address: not-an-email')).toBe(true);
    await type(field('Recipients'), 'ann@acme.com, bob@partner.com');
    await click(button('Send'));
    expect(payloadsOf('emailLink')).toEqual([{ linkId: 'n', url: 'http://localhost:8787/s/T', recipients: ['ann@acme.com', 'bob@partner.com'] }]);
    expect(byType('Modal')).toHaveLength(0);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Link sent' });
  });

  it('explains that an older link must be rotated before it can be copied or emailed, then emails the new URL', async () => {
    const link = linkView({ id: 'a', version: 4, urlAvailable: false });
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ links: [link] }));
    fakeHost.resolvers.getLinkUrl = () => ok({ linkId: 'a', url: null, unavailableReason: 'This link was created before Secure Share kept links for re-sharing.' });
    fakeHost.resolvers.rotateLink = () => ok({ link: { ...link, version: 5, urlAvailable: true }, url: 'http://localhost:8787/s/NEW' });
    fakeHost.resolvers.emailLink = () => ok({ sent: 1 });
    await render(<ShareDialogApp />);
    await click(button('Copy'));
    expect(payloadsOf('getLinkUrl')).toEqual([{ linkId: 'a' }]);
    expect(getByText('SectionMessage', /cannot be shown again/)).toBeDefined();
    expect(hasText('This link was created before Secure Share kept links for re-sharing.')).toBe(true);
    expect(queryField('Share URL')).toBeUndefined();
    await click(button('Email'));
    expect(hasText('This link’s URL cannot be shown again')).toBe(true);
    expect(queryField('Recipients')).toBeUndefined();
    await click(button('Rotate link…'));
    expect(hasText(/Everyone who holds the current URL loses access at once/)).toBe(true);
    await click(getByText('Button', 'Rotate URL', byType('ModalFooter')[0]!));
    expect(payloadsOf('rotateLink')).toEqual([{ linkId: 'a', version: 4 }]);
    await type(field('Recipients'), 'ann@acme.com');
    await click(button('Send'));
    // The rotated link's URL is kept now: the app sends it.
    expect(payloadsOf('emailLink')).toEqual([{ linkId: 'a', recipients: ['ann@acme.com'] }]);
  });

  it('copies and emails the same URL of an existing link without rotating it', async () => {
    const link = linkView({ id: 'a', name: 'Partner review', version: 2, urlAvailable: true });
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ links: [link] }));
    fakeHost.resolvers.getLinkUrl = () => ok({ linkId: 'a', url: 'http://localhost:8787/s/SAME', unavailableReason: null });
    fakeHost.resolvers.emailLink = () => ok({ sent: 2 });
    await render(<ShareDialogApp />);
    await click(button('Copy'));
    expect(field('Share URL').props.value).toBe('http://localhost:8787/s/SAME');
    expect(field('Share URL').props.isReadOnly).toBe(true);
    await click(button('Copy'));
    // Known in this session: asked once.
    expect(payloadsOf('getLinkUrl')).toEqual([{ linkId: 'a' }]);
    await click(button('Done'));
    await click(button('Email'));
    await type(field('Recipients'), 'ann@acme.com bob@partner.com, @partner.com');
    await type(field('Personal message'), 'Here is the review');
    await click(button('Send'));
    expect(hasText('This is not an email address: @partner.com')).toBe(true);
    expect(payloadsOf('emailLink')).toEqual([]);
    await type(field('Recipients'), 'ann@acme.com bob@partner.com');
    await click(button('Send'));
    // The app sends the link's kept URL: the payload carries no URL and nothing was rotated.
    expect(payloadsOf('emailLink')).toEqual([{ linkId: 'a', recipients: ['ann@acme.com', 'bob@partner.com'], message: 'Here is the review' }]);
    expect(payloadsOf('rotateLink')).toEqual([]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Link sent', description: 'Emailed to 2 people.' });
  });

  it('emails newly added users on save when asked, and says who got it', async () => {
    const link = linkView({ id: 'a', name: 'Partner review', version: 3, selectedUsers: ['ann@acme.com'], urlAvailable: true });
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ links: [link] }));
    fakeHost.resolvers.updateLink = () =>
      ok({ link: { ...link, version: 4, selectedUsers: ['ann@acme.com', 'bob@partner.com'] }, notified: { sent: 1, recipients: ['bob@partner.com'], problem: null } });
    await render(<ShareDialogApp />);
    await clickAction('Edit');
    expect(field('Notify newly added users').props.isChecked).toBe(true);
    await type(field('Selected users'), 'ann@acme.com, bob@partner.com');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('updateLink')).toMatchObject([{ linkId: 'a', version: 3, notifyNewUsers: {} }]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Link emailed to 1 new user', description: 'bob@partner.com' });

    await clickAction('Edit');
    await check(field('Notify newly added users'), false);
    await submit(byType('Form')[0]!);
    expect(payloadsOf('updateLink').at(-1)).not.toHaveProperty('notifyNewUsers');
  });

  it('previews what will be shared, with the hidden pages and why, and marks a stale preview', async () => {
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ policy: openPolicy({ childPages: true, restrictedChildPages: true }) }));
    fakeHost.resolvers.previewLink = () =>
      ok({
        pages: [
          { id: '1001', title: 'Product Handbook', depth: 0 },
          { id: '1002', title: 'Getting started', depth: 1 },
        ],
        shownCount: 2,
        hidden: { labelFilter: 2, restricted: 1, notReadable: 0, overCap: 0 },
        capped: false,
        childPagesOff: false,
        childPagesNotAllowed: false,
      });
    await render(<ShareDialogApp />);
    await click(button('Create & share secure link'));
    expect(field('Include child pages').props.isChecked).toBe(false);
    await check(field('Include child pages'), true);
    await type(field('Exclude child pages with labels'), 'changelog');
    await click(button('Preview what will be shared'));
    expect(payloadsOf('previewLink')).toEqual([
      { pageId: '1001', includeChildren: true, shareRestrictedChildren: false, withLabels: [], withoutLabels: ['changelog'] },
    ]);
    expect(getByText('SectionMessage', /What will be shared: 2 pages/)).toBeDefined();
    expect(hasText('— Getting started')).toBe(true);
    expect(hasText('2 pages hidden by the label filters.')).toBe(true);
    expect(hasText('1 page hidden because it is restricted in Confluence (or below a restricted page).')).toBe(true);
    await type(field('Exclude child pages with labels'), '');
    expect(hasText('You changed the settings since this preview: refresh it.')).toBe(true);
    await click(button('Refresh preview'));
    expect(payloadsOf('previewLink')).toHaveLength(2);
    expect(hasText('You changed the settings since this preview: refresh it.')).toBe(false);
  });

  it('enters selected users as tags: a pasted list becomes tags, × removes one, Edit as text puts them back, typed text counts on save', async () => {
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing());
    fakeHost.resolvers.createLink = () => ok({ link: linkView({ id: 'n' }), url: 'http://localhost:8787/s/T' });
    await render(<ShareDialogApp />);
    await click(button('Create & share secure link'));
    await type(field('Selected users'), 'ann@acme.com, bob@partner.com;@partner.com carl');
    expect(byType('Tag').map((t) => t.props.text)).toEqual(['ann@acme.com', 'bob@partner.com', '@partner.com']);
    expect(field('Selected users').props.value).toBe('carl');
    await callTagRemove(byType('Tag').find((t) => t.props.text === 'bob@partner.com')!);
    expect(byType('Tag').map((t) => t.props.text)).toEqual(['ann@acme.com', '@partner.com']);
    await click(button('Edit as text'));
    expect(byType('Tag')).toHaveLength(0);
    expect(field('Selected users').props.value).toBe('ann@acme.com, @partner.com, carl');
    await type(field('Selected users'), 'ann@acme.com, @partner.com, dan@acme.com');
    await click(button('Add'));
    expect(byType('Tag').map((t) => t.props.text)).toEqual(['ann@acme.com', '@partner.com', 'dan@acme.com']);
    await type(field('Selected users'), 'eve@acme.com');
    await type(field('Name'), 'Tags');
    await submit(byType('Form')[0]!);
    expect((payloadsOf('createLink')[0] as { settings: { selectedUsers: string[] } }).settings.selectedUsers).toEqual([
      'ann@acme.com',
      '@partner.com',
      'dan@acme.com',
      'eve@acme.com',
    ]);
  });

  it('edits a link with its version and keeps the password unless changed', async () => {
    const link = linkView({ id: 'a', name: 'Partner review', version: 7, hasPassword: true });
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ links: [link] }));
    fakeHost.resolvers.updateLink = () => ok({ link: { ...link, name: 'Renamed', version: 8 } });
    await render(<ShareDialogApp />);
    await clickAction('Edit');
    expect(field('Name').props.value).toBe('Partner review');
    await type(field('Name'), 'Renamed');
    await submit(byType('Form')[0]!);
    const [payload] = payloadsOf('updateLink') as Array<{ linkId: string; version: number; password?: unknown; settings: { name: string } }>;
    expect(payload).toMatchObject({ linkId: 'a', version: 7, settings: { name: 'Renamed' } });
    expect(payload!.password).toBeUndefined();
    expect(hasText('Renamed')).toBe(true);
  });

  it('offers no create button and explains why when a space admin turned sharing off', async () => {
    fakeHost.resolvers.getPageSharing = () =>
      ok(pageSharing({ canCreate: false, policy: openPolicy({ sharingEnabled: false, sharingDisabledBy: 'space' }), links: [linkView({ effectiveStatus: 'sharing_disabled' })] }));
    await render(<ShareDialogApp />);
    expect(queryByText('Button', 'Create & share secure link')).toBeUndefined();
    expect(getByText('SectionMessage', /A space admin turned off Secure Share in this space/).props.appearance).toBe('warning');
    expect(getByText('Lozenge', 'Sharing off')).toBeDefined();
  });

  it('recommends a password when the policy suggests one without requiring it', async () => {
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ passwordSuggested: true }));
    await render(<ShareDialogApp />);
    await click(button('Create & share secure link'));
    expect(hasText('Recommended by the sharing policy.')).toBe(true);
    const passwordLabel = byType('Label').find((l) => l.props.labelFor === field('Password').props.id)!;
    expect(passwordLabel.children.some((c) => c.type === 'RequiredAsterisk')).toBe(false);
  });

  it('sets a new password on edit and never offers removing it when the policy requires one', async () => {
    const link = linkView({ id: 'a', version: 2, hasPassword: true });
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ links: [link], policy: openPolicy({ passwordRequired: true, enforced: { global: true, space: false } }) }));
    fakeHost.resolvers.updateLink = () => ok({ link: { ...link, version: 3 } });
    await render(<ShareDialogApp />);
    await clickAction('Edit');
    const action = field('Password');
    expect((action.props.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['keep', 'set']);
    await choose(action, 'set');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('updateLink')).toEqual([]);
    expect(hasText('Enter the new password.')).toBe(true);
    await type(field('New password'), 'n3w-secret');
    await submit(byType('Form')[0]!);
    expect((payloadsOf('updateLink')[0] as { password: unknown }).password).toEqual({ action: 'set', password: 'n3w-secret' });
  });

  it('shows a permission error without a pointless retry', async () => {
    fakeHost.resolvers.getPageSharing = () => fail('forbidden', 'You cannot edit this page.');
    await render(<ShareDialogApp />);
    expect(getByText('SectionMessage', /You cannot edit this page/).props.title).toBe('You do not have access');
    expect(queryByText('Button', 'Try again')).toBeUndefined();
  });

  it('asks for a page when opened outside a page', async () => {
    fakeHost.context = { accountId: 'u-editor', extension: { type: 'confluence:contentAction' } };
    await render(<ShareDialogApp />);
    expect(getByText('SectionMessage', /Open Secure Share from a Confluence page/)).toBeDefined();
    expect(fakeHost.invokes).toEqual([]);
  });
});

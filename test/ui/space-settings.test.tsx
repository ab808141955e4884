import React, { act } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { SpaceSettingsApp } from '../../src/frontend/components/space-settings-app';
import { fakeHost } from './fake-host';
import { fail, linkView, ok, spaceConfigResult, spaceContext } from './fixtures';
import { button, byType, check, choose, click, field, getByText, hasText, render, select, settle, submit, type } from './forge-doc';

/** Replaces the whole selected-users list: its tags back into the field (Edit as text), then the new text typed over them. */
const replaceList = async (text: string) => {
  const edit = byType('Button').find((b) => b.children.some((c) => c.props.text === 'Edit as text'));
  if (edit) await click(edit);
  await type(field('Allowed emails and domains'), text);
};

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);
const optionValues = (node: { props: Record<string, unknown> }) => (node.props.options as Array<{ value: string }>).map((o) => o.value);

beforeEach(() => {
  fakeHost.reset();
  fakeHost.context = spaceContext('DEMO');
  fakeHost.resolvers.listSpaceLinks = () => ok({ items: [] });
});

describe('space settings', () => {
  it('saves the toggles, caps, rules and selected users with the loaded version', async () => {
    fakeHost.resolvers.getSpaceConfig = () => ok(spaceConfigResult());
    fakeHost.resolvers.setSpaceConfig = (payload) => ok(spaceConfigResult({ config: { ...(payload as { config: object }).config, version: 3 } }));
    await render(<SpaceSettingsApp />);
    expect(payloadsOf('getSpaceConfig')).toEqual([{ spaceKey: 'DEMO' }]);

    await check(field('Apply on space links'), true);
    await select(field('Comments'), 'none');
    await select(field('Attachments'), 'view_add');
    await check(field('Allow sharing restricted child pages'), true);
    // Allowed is not on: the "on by default" toggles are separate, and the restricted one needs child pages on by default.
    expect(field('New links include child pages').props.isChecked).toBe(false);
    expect(field('New links include restricted child pages').props.isDisabled).toBe(true);
    await check(field('New links include child pages'), true);
    expect(field('New links include restricted child pages').props.isDisabled).toBe(false);
    await choose(field('Password protection'), 'mandatory');
    await choose(field('Link expiry'), 'custom');
    await type(field('Maximum lifetime (days)'), '14');
    await check(field('Enforce single sign-on'), true);
    await replaceList('@acme.com, bob@partner.com');
    await submit(byType('Form')[0]!);

    expect(payloadsOf('setSpaceConfig')).toEqual([
      {
        spaceKey: 'DEMO',
        version: 2,
        config: {
          sharingEnabled: true,
          applyOnSpaceLinks: true,
          comments: 'none',
          attachments: 'view_add',
          childPages: true,
          childPagesOnByDefault: true,
          restrictedChildPages: true,
          restrictedChildPagesOnByDefault: false,
          password: 'mandatory',
          expiry: { kind: 'custom', maxDays: 14 },
          enforceSso: true,
          selectedUsers: ['@acme.com', 'bob@partner.com'],
        },
      },
    ]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Space settings saved' });
  });

  it('does not offer options above an enforced site policy', async () => {
    fakeHost.resolvers.getSpaceConfig = () =>
      ok(
        spaceConfigResult({
          global: { applyOnAllLinks: true, comments: 'view', attachments: 'none', childPages: false, restrictedChildPages: false, password: 'mandatory', expiry: { kind: 'custom', maxDays: 30 }, enforceSso: true },
        }),
      );
    await render(<SpaceSettingsApp />);
    expect(optionValues(field('Comments'))).toEqual(['none', 'view']);
    expect(optionValues(field('Attachments'))).toEqual(['none']);
    expect(field('Allow sharing child pages').props.isDisabled).toBe(true);
    expect(optionValues(field('Password protection'))).toEqual(['mandatory']);
    expect(optionValues(field('Link expiry'))).toEqual(['custom']);
    expect(field('Enforce single sign-on').props.isDisabled).toBe(true);
    expect(hasText('Options above the site policy are not offered here.')).toBe(true);
    expect(hasText('At most 30 days: limited by the site policy.')).toBe(true);
  });

  it('shows how the space selected users combine with the site list', async () => {
    const result = spaceConfigResult({ global: { selectedUsers: ['@acme.com'] }, config: { selectedUsers: ['ann@acme.com', 'eve@evil.com'] } });
    result.selectedUsers = { global: ['@acme.com'], space: ['ann@acme.com', 'eve@evil.com'], effective: ['ann@acme.com'], mode: 'intersection' };
    fakeHost.resolvers.getSpaceConfig = () => ok(result);
    await render(<SpaceSettingsApp />);
    expect(getByText('SectionMessage', /Only the part of the space list the site allows applies/)).toBeDefined();
    expect(hasText('Effective for links in this space: ann@acme.com')).toBe(true);
    // The list shows as tags; removing one updates the preview at once.
    expect(byType('Tag').map((t) => t.props.text)).toEqual(['ann@acme.com', 'eve@evil.com']);
    await act(async () => {
      await (byType('Tag')[1]!.props.onAfterRemoveAction as (text: string) => unknown)('eve@evil.com');
    });
    await settle();
    expect(getByText('SectionMessage', /The space list applies as entered/)).toBeDefined();

    await replaceList('eve@evil.com');
    expect(getByText('SectionMessage', /does not fit the site list/)).toBeDefined();
    expect(hasText('Effective for links in this space: @acme.com')).toBe(true);
    // A subdomain does not fit a site-level @acme.com (only @*.acme.com admits subdomains).
    await replaceList('bob@acme.com, @sales.acme.com');
    expect(getByText('SectionMessage', /Only the part of the space list the site allows applies/)).toBeDefined();
    expect(hasText('Effective for links in this space: bob@acme.com')).toBe(true);
    await replaceList('bob@acme.com, @acme.com');
    expect(getByText('SectionMessage', /The space list applies as entered/)).toBeDefined();
  });

  it('previews a site-level @*.domain wildcard: subdomains fit, the domain itself does not', async () => {
    const result = spaceConfigResult({ global: { selectedUsers: ['@*.acme.com'] }, config: { selectedUsers: [] } });
    result.selectedUsers = { global: ['@*.acme.com'], space: [], effective: ['@*.acme.com'], mode: 'global' };
    fakeHost.resolvers.getSpaceConfig = () => ok(result);
    await render(<SpaceSettingsApp />);
    await replaceList('@sales.acme.com, @*.eu.acme.com');
    expect(getByText('SectionMessage', /The space list applies as entered/)).toBeDefined();
    await replaceList('@acme.com');
    expect(getByText('SectionMessage', /does not fit the site list/)).toBeDefined();
    expect(hasText('Effective for links in this space: @*.acme.com')).toBe(true);
    await replaceList('@acme.com, ann@eu.acme.com');
    expect(getByText('SectionMessage', /Only the part of the space list the site allows applies/)).toBeDefined();
    expect(hasText('Effective for links in this space: ann@eu.acme.com')).toBe(true);
  });

  it('shows field errors from a rejected save', async () => {
    fakeHost.resolvers.getSpaceConfig = () => ok(spaceConfigResult());
    fakeHost.resolvers.setSpaceConfig = () =>
      fail('policy_violation', 'The space settings exceed the site policy.', [{ field: 'comments', message: 'Comments may not exceed View.' }]);
    await render(<SpaceSettingsApp />);
    await submit(byType('Form')[0]!);
    expect(byType('ErrorMessage').map((n) => n.children.map((c) => c.props.text).join(''))).toEqual(['Comments may not exceed View.']);
    expect(getByText('SectionMessage', /exceed the site policy/).props.appearance).toBe('error');
  });

  it('checks the maximum lifetime and the selected users before saving, showing both problems at once', async () => {
    fakeHost.resolvers.getSpaceConfig = () => ok(spaceConfigResult());
    fakeHost.resolvers.setSpaceConfig = (payload) => ok(spaceConfigResult({ config: { ...(payload as { config: object }).config, version: 3 } }));
    await render(<SpaceSettingsApp />);
    await choose(field('Link expiry'), 'custom');
    await type(field('Maximum lifetime (days)'), '0');
    await replaceList('ann@acme, @partner.com');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSpaceConfig')).toEqual([]);
    const errors = byType('ErrorMessage').map((n) => n.children.map((c) => c.props.text).join(''));
    expect(errors).toEqual(['Enter a whole number of days from 1 to 3,650.', "'ann@acme' is not a valid email address or @domain."]);
    await type(field('Maximum lifetime (days)'), '30');
    await replaceList('ann@acme.com, @partner.com');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSpaceConfig')).toHaveLength(1);
    expect(byType('ErrorMessage')).toHaveLength(0);
  });

  it('lists the space links with cursor pagination and revokes one after confirming', async () => {
    fakeHost.resolvers.getSpaceConfig = () => ok(spaceConfigResult());
    fakeHost.resolvers.listSpaceLinks = (payload) => {
      const { cursor } = payload as { cursor?: string };
      return cursor === 'p2'
        ? ok({ items: [linkView({ id: 'b', name: 'Second page link' })] })
        : ok({ items: [linkView({ id: 'a', name: 'First link' })], nextCursor: 'p2' });
    };
    fakeHost.resolvers.setLinkStatus = () => ok({ link: linkView({ id: 'b', status: 'disabled', effectiveStatus: 'disabled' }) });
    await render(<SpaceSettingsApp />);
    expect(hasText('First link')).toBe(true);
    expect(hasText('Erin Editor')).toBe(true);
    await click(button('Next'));
    expect(payloadsOf('listSpaceLinks').at(-1)).toEqual({ spaceKey: 'DEMO', limit: 20, cursor: 'p2' });
    expect(hasText('Second page link')).toBe(true);
    expect(hasText('Page 2')).toBe(true);
    await click(button('Disable'));
    expect(payloadsOf('setLinkStatus')).toEqual([]);
    await click(getByText('Button', 'Disable', byType('ModalFooter')[0]!));
    expect(payloadsOf('setLinkStatus')).toEqual([{ linkId: 'b', status: 'disabled', version: 1 }]);
    expect(payloadsOf('revokeLinks')).toEqual([]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Link disabled' });
  });

  it('asks before turning sharing off in the space, and saves other changes without asking', async () => {
    fakeHost.resolvers.getSpaceConfig = () => ok(spaceConfigResult());
    fakeHost.resolvers.listSpaceLinks = () => ok({ items: [] });
    fakeHost.resolvers.setSpaceConfig = (payload) => ok(spaceConfigResult({ config: { ...(payload as { config: object }).config, version: 3 } }));
    await render(<SpaceSettingsApp />);
    await select(field('Comments'), 'none');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSpaceConfig')).toHaveLength(1);
    expect(byType('Modal')).toHaveLength(0);

    await check(field('Sharing enabled in this space'), false);
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSpaceConfig')).toHaveLength(1);
    expect(hasText('Turn sharing off in “Demo space”?')).toBe(true);
    expect(hasText(/Every Secure Share link of this space stops opening at once/)).toBe(true);
    await click(button('Cancel'));
    expect(payloadsOf('setSpaceConfig')).toHaveLength(1);
    await submit(byType('Form')[0]!);
    await click(getByText('Button', 'Turn sharing off', byType('ModalFooter')[0]!));
    expect(payloadsOf('setSpaceConfig')).toHaveLength(2);
    expect((payloadsOf('setSpaceConfig')[1] as { config: { sharingEnabled: boolean } }).config.sharingEnabled).toBe(false);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Space settings saved' });
  });

  it('copies and emails the same URL of a space link, and explains a link from before re-sharing', async () => {
    fakeHost.resolvers.getSpaceConfig = () => ok(spaceConfigResult());
    fakeHost.resolvers.listSpaceLinks = () =>
      ok({ items: [linkView({ id: 'a', name: 'Kept', urlAvailable: true }), linkView({ id: 'b', name: 'Older', urlAvailable: false })] });
    fakeHost.resolvers.getLinkUrl = (p) =>
      (p as { linkId: string }).linkId === 'a'
        ? ok({ linkId: 'a', url: 'http://localhost:8787/s/KEPT', unavailableReason: null })
        : ok({ linkId: 'b', url: null, unavailableReason: 'This link was created before Secure Share kept links for re-sharing.' });
    fakeHost.resolvers.emailLink = () => ok({ sent: 1 });
    await render(<SpaceSettingsApp />);
    await click(byType('Button').filter((b) => b.children.some((c) => c.props.text === 'Copy'))[0]!);
    expect(payloadsOf('getLinkUrl')).toEqual([{ linkId: 'a' }]);
    expect(field('Share URL').props.value).toBe('http://localhost:8787/s/KEPT');
    await click(button('Email this link'));
    await type(field('Recipients'), 'ann@acme.com');
    await click(button('Send'));
    expect(payloadsOf('emailLink')).toEqual([{ linkId: 'a', recipients: ['ann@acme.com'] }]);

    await click(byType('Button').filter((b) => b.children.some((c) => c.props.text === 'Copy'))[1]!);
    expect(hasText('This link was created before Secure Share kept links for re-sharing.')).toBe(true);
    await click(button('Close'));
    await click(byType('Button').filter((b) => b.children.some((c) => c.props.text === 'Email'))[1]!);
    expect(hasText('An editor of the page can rotate it.')).toBe(true);
    expect(byType('Button').some((b) => b.children.some((c) => c.props.text === 'Send'))).toBe(false);
  });

  it('reports a space link that could not be disabled with an error flag', async () => {
    fakeHost.resolvers.getSpaceConfig = () => ok(spaceConfigResult());
    fakeHost.resolvers.listSpaceLinks = () => ok({ items: [linkView({ id: 'a', name: 'First link' })] });
    fakeHost.resolvers.setLinkStatus = () => fail('version_conflict', 'Someone else changed this link.');
    await render(<SpaceSettingsApp />);
    await click(button('Disable'));
    await click(getByText('Button', 'Disable', byType('ModalFooter')[0]!));
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'error', title: 'Could not disable the link' });
    expect(byType('Modal')).toHaveLength(0);
  });

  it('filters the space links by text, status and compliance', async () => {
    fakeHost.resolvers.getSpaceConfig = () => ok(spaceConfigResult());
    await render(<SpaceSettingsApp />);
    expect(hasText('Nobody has shared a page of this space yet.')).toBe(true);
    await type(field('Search'), 'review');
    await select(field('Status'), 'disabled');
    await check(field('Only non-compliant'), true);
    await submit(byType('Form')[1]!);
    expect(payloadsOf('listSpaceLinks').at(-1)).toEqual({ spaceKey: 'DEMO', limit: 20, search: 'review', status: 'disabled', nonCompliant: true });
  });

  it('shows an empty state when the space has no links, and an error when loading fails', async () => {
    fakeHost.resolvers.getSpaceConfig = () => fail('forbidden', 'Only space admins can change Secure Share settings.');
    await render(<SpaceSettingsApp />);
    expect(getByText('SectionMessage', /Only space admins/).props.appearance).toBe('error');
  });

  it('offers a reload when someone else saved first', async () => {
    let loads = 0;
    fakeHost.resolvers.getSpaceConfig = () => {
      loads++;
      return ok(spaceConfigResult({ config: { version: loads === 1 ? 2 : 3 } }));
    };
    fakeHost.resolvers.setSpaceConfig = () => fail('version_conflict', 'The space settings changed since you opened them.');
    await render(<SpaceSettingsApp />);
    await submit(byType('Form')[0]!);
    expect(getByText('SectionMessage', /changed since you opened them/)).toBeDefined();
    await click(button('Try again'));
    expect(loads).toBe(2);
    fakeHost.resolvers.setSpaceConfig = (p) => ok(spaceConfigResult({ config: { version: 4 } }));
    await submit(byType('Form')[0]!);
    expect((payloadsOf('setSpaceConfig').at(-1) as { version: number }).version).toBe(3);
  });
});

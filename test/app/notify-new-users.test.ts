import { beforeEach, describe, expect, it } from 'vitest';
import { createResolverRegistry, invokeResolver } from '../../src/app/resolvers';
import { newlyAddedAddresses } from '../../src/app/link-email';
import type { ResolverResult } from '../../src/shared/contract';
import { createHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await createHarness('notify');
});

const call = async <T>(key: string, payload: unknown, accountId = 'u-editor'): Promise<T> => {
  const result = (await invokeResolver(createResolverRegistry(), key, { payload, context: { accountId } }, h.deps, () => undefined)) as ResolverResult<T>;
  if (!result.ok) throw new Error(`${key}: ${result.error.code} ${result.error.message}`);
  return result.data;
};

interface Saved {
  link: { id: string; version: number };
  url?: string;
  notified?: { sent: number; recipients: string[]; problem: string | null };
}

describe('Notify newly added users', () => {
  it('emails every address of a new link, never a domain, never the password', async () => {
    const password = 'violet mango harbour';
    const created = await call<Saved>('createLink', {
      pageId: '1002',
      settings: { name: 'Partners', selectedUsers: ['ann@partner.example', '@partner.example', 'bob@partner.example'] },
      password,
      notifyNewUsers: { message: 'Welcome aboard' },
    });
    expect(created.notified).toEqual({ sent: 2, recipients: ['ann@partner.example', 'bob@partner.example'], problem: null });
    expect(h.sent.map((m) => m.to)).toEqual([['ann@partner.example'], ['bob@partner.example']]);
    for (const mail of h.sent) {
      expect(mail.text).toContain(created.url!);
      expect(mail.text).toContain('Welcome aboard');
      expect(mail.text + mail.html).not.toContain(password);
    }
  });

  it('emails only the addresses this save added', async () => {
    const created = await call<Saved>('createLink', { pageId: '1002', settings: { selectedUsers: ['ann@partner.example'] } });
    expect(created.notified).toBeUndefined();
    expect(h.sent).toHaveLength(0);
    const updated = await call<Saved>('updateLink', {
      linkId: created.link.id,
      version: created.link.version,
      settings: { selectedUsers: ['ann@partner.example', 'Carl@Partner.example'] },
      notifyNewUsers: {},
    });
    expect(updated.notified).toMatchObject({ sent: 1, recipients: ['carl@partner.example'] });
    expect(h.sent.map((m) => m.to)).toEqual([['carl@partner.example']]);
    expect(h.sent[0]!.text).toContain(created.url!);
    // Saving again adds nobody: nobody is emailed.
    const again = await call<Saved>('updateLink', { linkId: created.link.id, version: updated.link.version, settings: { name: 'Renamed' }, notifyNewUsers: {} });
    expect(again.notified).toEqual({ sent: 0, recipients: [], problem: null });
    expect(h.sent).toHaveLength(1);
  });

  it('says why nobody was emailed when the link does not open, and keeps the save', async () => {
    const created = await call<Saved>('createLink', { pageId: '1002', settings: {} });
    const disabled = await call<Saved>('setLinkStatus', { linkId: created.link.id, status: 'disabled' });
    const updated = await call<Saved>('updateLink', {
      linkId: created.link.id,
      version: disabled.link.version,
      settings: { selectedUsers: ['ann@partner.example'] },
      notifyNewUsers: {},
    });
    expect(updated.link.version).toBe(disabled.link.version + 1);
    expect(updated.notified).toMatchObject({ sent: 0, recipients: ['ann@partner.example'] });
    expect(updated.notified?.problem).toMatch(/does not open right now/);
    expect(h.sent).toHaveLength(0);
  });

  it('leaves out addresses the policy narrows away', () => {
    expect(newlyAddedAddresses([], ['ann@acme.example', 'eve@other.example'], ['@acme.example'])).toEqual(['ann@acme.example']);
  });
});

import bcrypt from 'bcryptjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLIENT_FREE_FAILURES } from '../../src/app/view/password-gate';
import { PASSWORD, tryPassword } from './support/password-gate';
import { startHarness, type Harness } from './support/share-harness';
import { formWith, Visitor } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('password gate', () => {
  it('shows the form, not the content; the right password opens the page', async () => {
    const { path } = await h.link({ password: PASSWORD });
    const v = new Visitor(h.base);
    const gate = await v.get(path);
    expect(gate.text).toContain('Password required');
    expect(gate.text).not.toContain('Service levels');
    expect(gate.text).toContain('<title>Shared page</title>');
    const reply = await v.submit(gate.text, 'password', { password: PASSWORD });
    expect(reply.status).toBe(303);
    expect(reply.location).toBe(`${h.base}${path}`);
    const page = await v.follow(reply);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Service levels');
    const passed = await h.store.audit.list({ action: 'gate_passed' }, { limit: 5 });
    expect(passed.items).toHaveLength(1);
  });

  it('a wrong password is refused with a clear message; empty input is a 400', async () => {
    const { path } = await h.link({ password: PASSWORD });
    const v = new Visitor(h.base);
    const wrong = await tryPassword(v, path, 'nope nope nope');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That password is not correct.');
    expect(wrong.text).not.toContain('Service levels');
    const empty = await tryPassword(v, path, '   ');
    expect(empty.status).toBe(400);
    const tooLong = await tryPassword(v, path, PASSWORD + 'x'.repeat(80));
    expect(tooLong.status).toBe(401);
  });

  it('locked-out and wrong-password answers run the same bcrypt work (no timing shortcut)', async () => {
    const { path } = await h.link({ password: PASSWORD });
    const v = new Visitor(h.base, { 'x-forwarded-for': '203.0.113.10' });
    const gate = await v.get(path);
    const form = formWith(gate.text, 'password');
    const compare = vi.spyOn(bcrypt, 'compare');
    const attempt = async () => {
      compare.mockClear();
      const reply = await v.postForm(form.action, { ...form.fields, password: 'wrong password here' });
      return { status: reply.status, compares: compare.mock.calls.length };
    };
    for (let i = 0; i < CLIENT_FREE_FAILURES; i += 1) expect(await attempt()).toEqual({ status: 401, compares: 1 });
    expect(await attempt()).toEqual({ status: 429, compares: 1 });
    compare.mockRestore();
  });

  it('changing the password (epoch bump) ends existing sessions', async () => {
    const { path, link } = await h.link({ password: PASSWORD });
    const v = new Visitor(h.base);
    await v.follow(await tryPassword(v, path, PASSWORD));
    expect((await v.get(path)).text).toContain('Service levels');
    await h.patchLink(link.id, { epoch: link.epoch + 1 });
    const after = await v.get(path);
    expect(after.text).toContain('Password required');
    expect(after.text).not.toContain('Service levels');
  });

  it('returns to the child page that was asked for, and refuses a forged return page', async () => {
    const { path } = await h.link({ password: PASSWORD, includeChildren: true, withoutLabels: ['internal'] });
    const v = new Visitor(h.base);
    const gate = await v.get(`${path}/p/1005`);
    expect(gate.text).toContain('Password required');
    const reply = await v.submit(gate.text, 'password', { password: PASSWORD });
    expect(reply.location).toBe(`${h.base}${path}/p/1005`);
    expect((await v.follow(reply)).text).toContain('2026.11');

    const w = new Visitor(h.base);
    const gate2 = await w.get(path);
    const evil = await w.submit(gate2.text, 'password', { password: PASSWORD, p: '//evil.example' });
    expect(evil.location).toBe(`${h.base}${path}`);
    const outside = await w.get(`${path}/p/1004`);
    expect(outside.status).toBe(404);
  });
});

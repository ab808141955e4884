import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/share-harness';
import { Visitor } from '../support/visitor';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
});

const FLOOR_MS = 300;

describe('selected users: the code reply time does not reveal allowed addresses (M1/M11)', () => {
  it('answers no sooner than the configured floor, for allowed and unknown addresses alike', async () => {
    h = await startHarness({ edge: 'forwarding-proxy', handlerOptions: { codeReplyFloorMs: FLOOR_MS } });
    const { path } = await h.link({ selectedUsers: ['ann@partner.example'] });
    const timeSend = async (email: string) => {
      const v = new Visitor(h!.base);
      const gate = await v.get(path);
      const started = performance.now();
      const reply = await v.submit(gate.text, 'email', { email });
      return { elapsed: performance.now() - started, status: reply.status };
    };
    const allowed = await timeSend('ann@partner.example');
    const stranger = await timeSend('eve@evil.example');
    expect(allowed.status).toBe(stranger.status);
    expect(allowed.elapsed).toBeGreaterThanOrEqual(FLOOR_MS - 5);
    expect(stranger.elapsed).toBeGreaterThanOrEqual(FLOOR_MS - 5);
  });
});

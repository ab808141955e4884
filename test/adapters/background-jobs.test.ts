import { describe, expect, it } from 'vitest';
import { createForgeJobs, JOB_QUEUE_KEY } from '../../src/adapters/forge/background-jobs';
import { parseBackgroundJob, runBackgroundJob } from '../../src/app/background-jobs';
import type { BackgroundJob } from '../../src/app/ports';
import { makeLink } from '../store/store-fixtures';
import { createHarness, SITE_ADMIN } from '../app/harness';

const job: BackgroundJob = { kind: 'reset', mode: 'links', actor: 'u-site-admin', deletedLinks: 7, step: 2 };

describe('background jobs on Forge async events', () => {
  it('pushes each step to the manifest queue, one at a time per installation', async () => {
    const requests: Array<{ path: string; body: Record<string, unknown> }> = [];
    const apiClient = (path: string, init: { body: string }) => {
      requests.push({ path, body: JSON.parse(init.body) as Record<string, unknown> });
      return Promise.resolve(new Response(null, { status: 201 }));
    };
    await createForgeJobs(apiClient as never).enqueue(job);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.path).toMatch(/^\/webhook\/queue\/publish\//);
    expect(requests[0]!.body).toMatchObject({
      queueName: JOB_QUEUE_KEY,
      payload: [{ body: job, concurrency: { key: `${JOB_QUEUE_KEY}-reset`, limit: 1 } }],
    });
  });

  it('the queue name matches the consumer module in manifest.yml', async () => {
    const { readFile } = await import('node:fs/promises');
    const manifest = await readFile(new URL('../../manifest.yml', import.meta.url), 'utf8');
    expect(manifest).toMatch(new RegExp(`queue: ${JOB_QUEUE_KEY}\\b`));
  });

  it('accepts only job bodies it wrote, and runs a reset step from one', async () => {
    expect(parseBackgroundJob(job)).toEqual(job);
    expect(parseBackgroundJob({ ...job, kind: 'other' })).toBeNull();
    expect(parseBackgroundJob({ ...job, deletedLinks: -1 })).toBeNull();
    expect(parseBackgroundJob('reset')).toBeNull();
    const h = await createHarness('jobs');
    await h.deps.store.links.create(makeLink());
    expect(await runBackgroundJob(h.deps, { garbage: true })).toEqual({ ignored: true });
    expect(await runBackgroundJob(h.deps, { ...job, actor: SITE_ADMIN.accountId }, { confirmPauseMs: 1 })).toEqual({ job: 'reset', step: 2, done: true, deletedLinks: 8 });
  });
});

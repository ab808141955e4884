import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createSesMailer } from '../../src/adapters/mail/ses';
import type { SecretStore } from '../../src/app/ports';
import { SES_REGIONS } from '../../src/shared/ses-regions';

interface Manifest {
  permissions: { external: { fetch: { backend: Array<string | { address: string }> } } };
}

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;
const SES_HOST = /^https:\/\/email\.([a-z0-9-]+)\.amazonaws\.com$/;
const manifestSesRegions = manifest.permissions.external.fetch.backend
  .map((entry) => (typeof entry === 'string' ? entry : entry.address))
  .map((address) => SES_HOST.exec(address)?.[1])
  .filter((region): region is string => region !== undefined);

describe('SES regions and the egress list', () => {
  it('every region the settings offer has an egress entry in manifest.yml', () => {
    for (const region of SES_REGIONS) expect(manifestSesRegions, region).toContain(region);
  });

  it('every SES egress entry in manifest.yml is a region the settings offer (no unused egress)', () => {
    for (const region of manifestSesRegions) expect(SES_REGIONS as readonly string[], region).toContain(region);
    expect(manifestSesRegions.length).toBe(SES_REGIONS.length);
  });

  it('the SES mailer refuses a well-formed region the manifest does not list', () => {
    const secrets: SecretStore = { get: async () => 'secret', set: async () => undefined, createIfAbsent: async () => true, delete: async () => undefined };
    const sender = { fromAddress: 'share@acme.com', fromName: 'Secure Share' };
    expect(() => createSesMailer({ ...sender, region: 'ap-east-1', accessKeyId: 'AKIAEXAMPLEKEY123456' }, secrets, async () => new Response())).toThrow(
      /regions Secure Share may reach/,
    );
    expect(() => createSesMailer({ ...sender, region: 'eu-west-1', accessKeyId: 'AKIAEXAMPLEKEY123456' }, secrets, async () => new Response())).not.toThrow();
  });
});

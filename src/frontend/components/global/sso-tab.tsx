import React from 'react';
import { Stack, Text, Textfield } from '@forge/react';
import { LabelledToggle } from '../labelled-toggle';
import type { SiteSettingsInput, SiteSettingsResult } from '../../../shared/contract';
import { callResolver } from '../../api';
import { EGRESS_GROUPS, egressNotice, requestEgress, type SaveNotice } from './egress';
import { Field } from '../field';
import { SiteSettingsForm, type ConfirmBeforeSave, type SiteSectionProps } from './site-settings-form';
import { TestSignInPanel } from './setup-panels';
import { WriteOnlySecretField } from './write-only-secret-field';

const EMPTY_SSO = { issuer: '', clientId: '', scopes: 'openid email profile' };

const Section = ({ data, draft, setDraft, secrets, setSecrets, fieldErrors }: SiteSectionProps) => {
  const sso = draft.sso;
  const stored = data.secrets.ssoClientSecret;
  const setSso = (patch: Partial<NonNullable<SiteSettingsInput['sso']>>) => setDraft((d) => ({ ...d, sso: { ...(d.sso ?? EMPTY_SSO), ...patch } }));
  return (
    <Stack space="space.150">
      <Text>
        Links that require single sign-on send recipients to your OpenID Connect identity provider (authorization code flow with PKCE).
        Register the redirect URI shown below with the provider, then use Test sign-in to check it works.
      </Text>
      <LabelledToggle
        id="sso-enabled"
        label="Use an identity provider"
        isChecked={sso !== null}
        onChange={(e) => setDraft((d) => ({ ...d, sso: e.target.checked ? (d.sso ?? EMPTY_SSO) : null }))}
      />
      {sso ? (
        <Stack space="space.150">
          <Field id="sso-issuer" label="Issuer URL" required helper="e.g. https://login.example.com — its /.well-known/openid-configuration is read. When you save, Confluence asks you to approve outbound access to this host. Secure Share then reads the provider's configuration and asks for the other hosts it names (token and key endpoints) too." error={fieldErrors['sso.issuer']}>
            <Textfield id="sso-issuer" name="issuer" value={sso.issuer} onChange={(e) => setSso({ issuer: String(e.target.value ?? '').trim() })} />
          </Field>
          <Field id="sso-client-id" label="Client ID" required error={fieldErrors['sso.clientId']}>
            <Textfield id="sso-client-id" name="clientId" value={sso.clientId} onChange={(e) => setSso({ clientId: String(e.target.value ?? '').trim() })} />
          </Field>
          <Field id="sso-scopes" label="Scopes" helper="Space-separated; must include openid and email." error={fieldErrors['sso.scopes']}>
            <Textfield id="sso-scopes" name="scopes" value={sso.scopes} onChange={(e) => setSso({ scopes: String(e.target.value ?? '') })} />
          </Field>
          <WriteOnlySecretField
            secretKey="ssoClientSecret"
            id="sso-client-secret"
            label="Client secret"
            noun="secret"
            helperWhenEmpty="Stored in secret storage, never shown again."
            stored={stored}
            secrets={secrets}
            setSecrets={setSecrets}
            error={fieldErrors.ssoClientSecret}
          />
        </Stack>
      ) : null}
    </Stack>
  );
};

const validate = (draft: SiteSettingsInput): Record<string, string> => {
  const problems: Record<string, string> = {};
  if (!draft.sso) return problems;
  try {
    const issuer = new URL(draft.sso.issuer);
    // http on this machine is left to the server: local mode's demo provider (/dev/idp) uses it; Forge refuses it.
    const loopback = issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
    if (issuer.protocol !== 'https:' && !loopback) problems['sso.issuer'] = 'The issuer must be an https:// URL.';
  } catch {
    problems['sso.issuer'] = 'Enter the issuer URL, e.g. https://login.example.com.';
  }
  if (!draft.sso.clientId) problems['sso.clientId'] = 'Enter the client ID.';
  if (!/(^|\s)openid(\s|$)/.test(draft.sso.scopes)) problems['sso.scopes'] = 'Include the openid scope.';
  return problems;
};

const GROUP = EGRESS_GROUPS.ssoIssuer;

/**
 * Every host the backend calls for the saved provider must be approved for egress: the issuer first
 * (discovery needs it), then every origin its discovery document names (token, JWKS, userinfo), which
 * for providers such as Google are other hosts. Already approved hosts ask for nothing.
 */
export const approveProviderHosts = async ({ settings }: SiteSettingsResult): Promise<SaveNotice | null> => {
  if (!settings.sso) return null;
  const issuer = await requestEgress(GROUP, [settings.sso.issuer]);
  if (issuer && (issuer.status === 'failed' || issuer.status === 'unavailable')) return egressNotice(GROUP, issuer);
  let discovered: { origins: string[]; problem: string | null };
  try {
    discovered = await callResolver('discoverSsoOrigins', {});
  } catch (error) {
    discovered = { origins: [], problem: error instanceof Error ? error.message : 'Secure Share could not be reached.' };
  }
  if (discovered.problem !== null) {
    return {
      appearance: 'warning',
      title: 'Identity provider hosts not confirmed',
      text: `${discovered.problem} Only the issuer's host was approved. If the provider serves tokens or keys from other hosts, sign-in fails until they are approved: save again once the provider answers.`,
    };
  }
  const all = await requestEgress(GROUP, [settings.sso.issuer, ...discovered.origins]);
  return egressNotice(GROUP, all?.status === 'already_approved' && issuer?.status === 'approved' ? issuer : all);
};

/** Removing the provider or its secret breaks every link that requires SSO: confirm first. */
const confirmSsoLoss: ConfirmBeforeSave = (draft, secrets, data) => {
  if (data.settings.sso !== null && draft.sso === null) {
    return {
      title: 'Turn single sign-on off?',
      body: 'The identity provider and its client secret are removed. Links that require single sign-on stop opening until a provider is configured again.',
      confirmLabel: 'Turn SSO off',
    };
  }
  if (draft.sso !== null && secrets.ssoClientSecret === null) {
    return {
      title: 'Remove the client secret?',
      body: 'Without it Secure Share cannot complete sign-in with the provider: links that require single sign-on stop opening until a new secret is saved.',
      confirmLabel: 'Remove secret',
    };
  }
  return null;
};

export const SsoTab = () => (
  <SiteSettingsForm
    title="Single sign-on"
    section={Section}
    validate={validate}
    confirmBefore={confirmSsoLoss}
    afterSave={approveProviderHosts}
    aside={TestSignInPanel}
  />
);

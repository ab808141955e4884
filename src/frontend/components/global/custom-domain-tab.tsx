import React from 'react';
import { Stack, Text, Textfield } from '@forge/react';
import { isClientIpHeaderName, MAX_CLIENT_IP_HEADER_LENGTH } from '../../../core/client-ip-header';
import type { SiteSettingsInput } from '../../../shared/contract';
import { Field } from '../field';
import { DomainCheckPanel } from './setup-panels';
import { SiteSettingsForm, type SiteSectionProps } from './site-settings-form';

/** A custom domain must be a bare https origin (no path, query, credentials or fragment). */
export const customDomainProblem = (value: string): string | null => {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full URL such as https://share.example.com.';
  }
  if (url.protocol !== 'https:') return 'The custom domain must use https://.';
  if (url.username || url.password) return 'The URL must not contain a user name or password.';
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) return 'Use the domain only, without a path, query or #fragment.';
  return null;
};

const Section = ({ draft, setDraft, fieldErrors }: SiteSectionProps) => (
  <Stack space="space.150">
    <Text>
      Links normally use the share base URL (the Forge web trigger, shown below). Point your own domain at it (a reverse proxy forwarding to
      that address) and every link the app shows and emails uses your domain instead.
    </Text>
    <Field id="custom-domain" label="Custom domain" helper="e.g. https://share.example.com — empty to use the default URL." error={fieldErrors.customDomain}>
      <Textfield
        id="custom-domain"
        name="customDomain"
        placeholder="https://share.example.com"
        value={draft.customDomain ?? ''}
        onChange={(e) => {
          const value = String(e.target.value ?? '').trim();
          setDraft((d) => ({ ...d, customDomain: value ? value.replace(/\/$/, '') : null }));
        }}
      />
    </Field>
    <Field
      id="client-ip-header"
      label="Client IP header"
      required
      helper="The request header carrying the visitor's IP, used by IP allow-lists. Verify it on your site before relying on allow-lists."
      error={fieldErrors.clientIpHeader}
    >
      <Textfield
        id="client-ip-header"
        name="clientIpHeader"
        value={draft.clientIpHeader}
        onChange={(e) => {
          const value = String(e.target.value ?? '').trim().toLowerCase();
          setDraft((d) => ({ ...d, clientIpHeader: value }));
        }}
      />
    </Field>
  </Stack>
);

const validate = (draft: SiteSettingsInput): Record<string, string> => {
  const problems: Record<string, string> = {};
  const problem = customDomainProblem(draft.customDomain ?? '');
  if (problem) problems.customDomain = problem;
  if (!isClientIpHeaderName(draft.clientIpHeader)) {
    problems.clientIpHeader = `Enter an HTTP header name such as x-forwarded-for (at most ${MAX_CLIENT_IP_HEADER_LENGTH} characters).`;
  }
  return problems;
};

export const CustomDomainTab = () => <SiteSettingsForm title="Custom domain" section={Section} validate={validate} aside={DomainCheckPanel} />;

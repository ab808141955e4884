import React, { useState } from 'react';
import { Box, Button, Heading, Inline, Lozenge, SectionMessage, Stack, Text } from '@forge/react';
import { api } from '../../api';
import { useAdminNavigation } from '../global-settings-app';
import { flagError } from '../flags';
import { formatDateTime } from '../labels';
import { ErrorPanel, Loading } from '../states';
import { CopyableValue, useSetupStatus, type SetupStatus } from './setup-panels';

type ItemState = 'done' | 'todo' | 'problem' | 'optional';

export interface ChecklistItem {
  key: 'email' | 'sso' | 'domain' | 'policy';
  title: string;
  state: ItemState;
  detail: string;
  /** The admin section that fixes it. */
  section: string;
}

const LOZENGE: Record<ItemState, { text: string; appearance: 'success' | 'default' | 'removed' | 'inprogress' }> = {
  done: { text: 'Done', appearance: 'success' },
  todo: { text: 'To do', appearance: 'inprogress' },
  problem: { text: 'Needs attention', appearance: 'removed' },
  optional: { text: 'Optional', appearance: 'default' },
};

/** The checklist from the setup state: plain words, each item pointing at the section that fixes it. */
export const setupChecklist = (s: SetupStatus): ChecklistItem[] => {
  const emailTest = s.email.lastTest;
  const email: ChecklistItem = !s.email.configured
    ? { key: 'email', title: 'Email delivery configured and tested', state: 'todo', section: 'Email delivery', detail: s.email.provider === 'none' ? 'No email provider is chosen yet, so links cannot be emailed and one-time codes cannot be sent.' : `The ${s.email.providerLabel} key is missing.` }
    : !emailTest
      ? { key: 'email', title: 'Email delivery configured and tested', state: 'todo', section: 'Email delivery', detail: `${s.outboxUrl ? 'Local mode: email goes to the outbox.' : `Sending through ${s.email.providerLabel}.`} Send a test email to check that it arrives.` }
      : !emailTest.ok
        ? { key: 'email', title: 'Email delivery configured and tested', state: 'problem', section: 'Email delivery', detail: `The last test email failed (${formatDateTime(emailTest.at)}): ${emailTest.message}` }
        : !emailTest.current
          ? { key: 'email', title: 'Email delivery configured and tested', state: 'todo', section: 'Email delivery', detail: 'The email settings changed since the last test email. Send another one.' }
          : { key: 'email', title: 'Email delivery configured and tested', state: 'done', section: 'Email delivery', detail: `A test email was accepted ${formatDateTime(emailTest.at)}.` };

  const ssoTest = s.sso.lastTest;
  const sso: ChecklistItem = !s.sso.configured
    ? { key: 'sso', title: 'Single sign-on configured and tested', state: 'optional', section: 'Single sign-on', detail: 'Only needed if links must require signing in with your identity provider.' }
    : !ssoTest
      ? { key: 'sso', title: 'Single sign-on configured and tested', state: 'todo', section: 'Single sign-on', detail: 'Run Test sign-in to check the provider accepts the redirect URI and sends a verified email.' }
      : !ssoTest.ok
        ? { key: 'sso', title: 'Single sign-on configured and tested', state: 'problem', section: 'Single sign-on', detail: `The last test sign-in failed (${formatDateTime(ssoTest.at)}): ${ssoTest.message}` }
        : !ssoTest.current
          ? { key: 'sso', title: 'Single sign-on configured and tested', state: 'todo', section: 'Single sign-on', detail: 'The identity provider settings changed since the last test sign-in. Test again.' }
          : { key: 'sso', title: 'Single sign-on configured and tested', state: 'done', section: 'Single sign-on', detail: `Signed in as ${ssoTest.email ?? 'unknown'} (email verified) ${formatDateTime(ssoTest.at)}.` };

  const check = s.customDomain.lastCheck;
  const domain: ChecklistItem = !s.customDomain.domain
    ? { key: 'domain', title: 'Custom domain pointing at the share base URL', state: 'optional', section: 'Custom domain', detail: 'Links use the share base URL. Set a custom domain to serve them under your own address.' }
    : check?.current
      ? { key: 'domain', title: 'Custom domain pointing at the share base URL', state: 'done', section: 'Custom domain', detail: `${s.customDomain.domain} reached Secure Share ${formatDateTime(check.at)}.` }
      : { key: 'domain', title: 'Custom domain pointing at the share base URL', state: 'todo', section: 'Custom domain', detail: `Links use ${s.customDomain.domain}. Check that it forwards to the share base URL, or links will not open.` };

  const reviewedAt = Math.max(s.policy.savedAt ?? 0, s.policy.reviewedAt ?? 0);
  const policy: ChecklistItem =
    reviewedAt > 0
      ? { key: 'policy', title: 'Default policy reviewed', state: 'done', section: 'Default link configuration', detail: `Last ${s.policy.reviewedAt !== null && s.policy.reviewedAt >= (s.policy.savedAt ?? 0) ? 'reviewed' : 'saved'} ${formatDateTime(reviewedAt)}.` }
      : { key: 'policy', title: 'Default policy reviewed', state: 'todo', section: 'Default link configuration', detail: 'Links follow the built-in defaults. Check what links may allow, then save or mark it as reviewed.' };

  return [email, sso, domain, policy];
};

const ChecklistRow = ({ item, onReviewed, busy }: { item: ChecklistItem; onReviewed?: () => void; busy: boolean }) => {
  const navigation = useAdminNavigation();
  const lozenge = LOZENGE[item.state];
  return (
    <Box padding="space.150" backgroundColor="color.background.neutral.subtle" xcss={{ borderRadius: 'radius.medium' }}>
      <Stack space="space.075">
        <Inline space="space.100" alignBlock="center">
          <Lozenge appearance={lozenge.appearance}>{lozenge.text}</Lozenge>
          <Heading as="h3" size="xsmall">
            {item.title}
          </Heading>
        </Inline>
        <Text>{item.detail}</Text>
        <Inline space="space.100">
          <Button onClick={() => navigation.open(item.section)}>
            {`Open ${item.section}`}
          </Button>
          {onReviewed && item.state !== 'done' ? (
            <Button appearance="subtle" isDisabled={busy} onClick={onReviewed}>
              Mark as reviewed
            </Button>
          ) : null}
        </Inline>
      </Stack>
    </Box>
  );
};

export const GettingStartedTab = () => {
  const { resource, reload, replace } = useSetupStatus();
  const [busy, setBusy] = useState(false);
  const markReviewed = async () => {
    setBusy(true);
    try {
      replace(await api.markPolicyReviewed());
    } catch (error) {
      flagError('Not recorded', error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack space="space.200">
      <Heading as="h2" size="small">
        Share Confluence pages with people outside Confluence
      </Heading>
      <Text>
        Page editors create secure links from the share icon under a page title or from ••• → Apps → Secure Share. Every link obeys the policy set
        here and in each space: site → space → link, the most restrictive level wins.
      </Text>
      <Heading as="h3" size="xsmall">
        Setup checklist
      </Heading>
      {resource.state === 'loading' ? <Loading label="Checking the setup…" /> : null}
      {resource.state === 'error' ? <ErrorPanel error={resource.error} onRetry={reload} /> : null}
      {resource.state === 'ready' ? (
        <Stack space="space.150">
          {setupChecklist(resource.data).map((item) => (
            <ChecklistRow key={item.key} item={item} busy={busy} {...(item.key === 'policy' ? { onReviewed: () => void markReviewed() } : {})} />
          ))}
          <Inline>
            <Button appearance="subtle" onClick={() => void reload()}>
              Check again
            </Button>
          </Inline>
          <CopyableValue
            id="getting-started-share-base-url"
            label="Share base URL"
            value={resource.data.shareBaseUrl}
            helper="Where share links point. A custom domain's proxy must forward to this address."
          />
          <CopyableValue
            id="getting-started-sso-redirect-uri"
            label="SSO redirect URI"
            value={resource.data.ssoRedirectUri}
            helper="Register it with your identity provider as the redirect (callback) URL."
          />
        </Stack>
      ) : null}
      <SectionMessage appearance="information" title="Links are never loosened by a policy change">
        <Text>
          Tightening the policy applies at once: links that no longer comply stop opening and show as non-compliant. Nothing is deleted; loosening
          the policy again restores them.
        </Text>
      </SectionMessage>
    </Stack>
  );
};

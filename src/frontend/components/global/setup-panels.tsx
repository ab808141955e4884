import React, { useState } from 'react';
import { router } from '@forge/bridge';
import { Box, Button, Heading, Inline, Label, Link, SectionMessage, Stack, Text, Textfield } from '@forge/react';
import type { SetupStatus } from '../../../app/setup';
import type { SiteSettingsResult } from '../../../shared/contract';
import { api, toResolverError, type ResolverError } from '../../api';
import { Field } from '../field';
import { flagError, flagSuccess } from '../flags';
import { formatDateTime } from '../labels';
import { ErrorPanel } from '../states';
import { useResource } from '../use-resource';
import type { SiteSettingsAside } from './site-settings-form';

/** The setup state for Getting started (the settings sections get it with their settings). */
export const useSetupStatus = () => useResource(() => api.getSetupStatus(), []);

interface PanelProps {
  status: SetupStatus;
  /** A new setup state from a test (sent with its answer). */
  onStatus: (status: SetupStatus) => void;
  /** Reads settings and setup state again ("Show result" after a test in another tab). */
  reload: () => void;
}

/** A settings section's test panel, fed from the section's own getSiteSettings answer. */
const asAside =
  (Panel: (props: PanelProps) => React.ReactElement): SiteSettingsAside =>
  ({ data, replace, reload }) =>
    data.setup ? <Panel status={data.setup} onStatus={(setup) => replace({ ...data, setup } satisfies SiteSettingsResult)} reload={reload} /> : null;

/**
 * A value to copy into another system (a proxy, an identity provider). UI Kit gives apps no clipboard, so
 * it is a read-only field: click it, then Ctrl+C or ⌘C.
 */
export const CopyableValue = ({ id, label, value, helper }: { id: string; label: string; value: string; helper?: string }) => (
  <Stack space="space.050">
    <Label labelFor={id}>{label}</Label>
    <Textfield id={id} name={id} value={value} isReadOnly isMonospaced />
    <Text size="small" color="color.text.subtlest">
      {helper ? `${helper} ` : ''}Select the text and copy it (Ctrl+C or ⌘C).
    </Text>
  </Stack>
);

/** Local mode: every email goes to the outbox, whatever the provider chosen below. */
export const OutboxNotice = ({ outboxUrl }: { outboxUrl: string }) => (
  <SectionMessage appearance="information" title="Local mode: all email goes to the outbox">
    <Stack space="space.050">
      <Text>Whatever provider is chosen here, Secure Share running locally writes every email to the local outbox instead of sending it.</Text>
      <Link href={outboxUrl} openNewTab>
        Open the outbox
      </Link>
    </Stack>
  </SectionMessage>
);

const TestPanel = ({ children }: { children: React.ReactNode }) => (
  <Box padding="space.200" backgroundColor="color.background.neutral.subtle" xcss={{ borderRadius: 'radius.medium' }}>
    <Stack space="space.150">{children}</Stack>
  </Box>
);

/** Email delivery: Send test email with the provider's answer, and the last test. */
const TestEmail = ({ status, onStatus }: PanelProps) => {
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ResolverError | null>(null);
  const last = status.email.lastTest;
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.sendTestEmail({ to: to.trim() });
      onStatus(result.status);
      if (result.ok) flagSuccess('Test email sent', result.message);
      else flagError('Test email not sent', new Error(result.message));
    } catch (e) {
      setError(toResolverError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <TestPanel>
      <Heading as="h4" size="xsmall">
        Send test email
      </Heading>
      <Text>Sends one email to the address you enter, through the saved settings. Save any change first.</Text>
      <Field id="test-email-to" label="Send to" error={error?.fieldMessages().to}>
        <Textfield id="test-email-to" name="testEmailTo" placeholder="you@example.com" value={to} onChange={(e) => setTo(String(e.target.value ?? ''))} />
      </Field>
      {error && !error.fieldMessages().to ? <ErrorPanel error={error} /> : null}
      <Inline>
        <Button appearance="default" isDisabled={busy || to.trim() === ''} onClick={() => void send()}>
          {busy ? 'Sending…' : 'Send test email'}
        </Button>
      </Inline>
      {last ? (
        <SectionMessage
          appearance={last.ok ? (last.current ? 'success' : 'warning') : 'error'}
          title={last.ok ? (last.current ? 'Last test email was accepted' : 'Settings changed since the last test') : 'Last test email failed'}
        >
          <Text>{last.message}</Text>
          <Text size="small">{`Tested ${formatDateTime(last.at)}.${last.current ? '' : ' Send another test to check the current settings.'}`}</Text>
        </SectionMessage>
      ) : null}
    </TestPanel>
  );
};

export const TestEmailPanel = asAside(TestEmail);

/** Single sign-on: the redirect URI to register, and Test sign-in with what came back last time. */
const TestSignIn = ({ status, reload }: PanelProps) => {
  const [busy, setBusy] = useState(false);
  const [opened, setOpened] = useState<string | null>(null);
  const [error, setError] = useState<ResolverError | null>(null);
  const last = status.sso.lastTest;
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const ticket = await api.startSsoTest();
      setOpened(ticket.url);
      await router.open(ticket.url);
    } catch (e) {
      setError(toResolverError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <TestPanel>
      <CopyableValue
        id="sso-redirect-uri"
        label="Redirect URI to register with your identity provider"
        value={status.ssoRedirectUri}
        helper="Register exactly this address as the sign-in redirect (callback) URL of the client."
      />
      <Heading as="h4" size="xsmall">
        Test sign-in
      </Heading>
      <Text>
        Opens a new tab that signs you in with the saved identity provider, as a recipient would, and shows what the provider sent back: issuer,
        email and whether the email is verified. The test link works once, for 10 minutes. Save any change first.
      </Text>
      {error ? <ErrorPanel error={error} /> : null}
      <Inline space="space.100">
        <Button isDisabled={busy || !status.sso.configured} onClick={() => void start()}>
          Test sign-in
        </Button>
        <Button appearance="subtle" onClick={reload}>
          Show result
        </Button>
      </Inline>
      {!status.sso.configured ? <Text>Save an issuer, client ID and client secret to test sign-in.</Text> : null}
      {opened ? (
        <Link href={opened} openNewTab>
          Test sign-in link (if no tab opened)
        </Link>
      ) : null}
      {last ? (
        <SectionMessage
          appearance={last.ok ? (last.current ? 'success' : 'warning') : 'error'}
          title={last.ok ? (last.current ? 'Last test sign-in worked' : 'Settings changed since the last test sign-in') : 'Last test sign-in failed'}
        >
          <Stack space="space.050">
            <Text>{`Issuer: ${last.issuer || 'unknown'}`}</Text>
            {last.email ? <Text>{`Email: ${last.email}`}</Text> : null}
            {last.emailVerified !== null ? <Text>{`email_verified: ${String(last.emailVerified)}`}</Text> : null}
            <Text>{last.message}</Text>
            <Text size="small">{`Tested ${formatDateTime(last.at)}.`}</Text>
          </Stack>
        </SectionMessage>
      ) : null}
    </TestPanel>
  );
};

/** Custom domain: the share base URL a proxy forwards to, and a check that the domain reaches Secure Share. */
const DomainCheck = ({ status, reload }: PanelProps) => {
  const [error, setError] = useState<ResolverError | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  const last = status.customDomain.lastCheck;
  const check = async () => {
    setError(null);
    try {
      const ticket = await api.startDomainCheck();
      setOpened(ticket.url);
      await router.open(ticket.url);
    } catch (e) {
      setError(toResolverError(e));
    }
  };
  return (
    <TestPanel>
      <CopyableValue
        id="share-base-url"
        label="Share base URL"
        value={status.shareBaseUrl}
        helper="Your reverse proxy must forward every request for the custom domain, with its path and query, to this address."
      />
      <Heading as="h4" size="xsmall">
        Check the custom domain
      </Heading>
      <Text>Opens a one-time address on your custom domain in a new tab. If the page says it reached Secure Share, the proxy works.</Text>
      {error ? <ErrorPanel error={error} /> : null}
      <Inline space="space.100">
        <Button isDisabled={!status.customDomain.domain} onClick={() => void check()}>
          Check custom domain
        </Button>
        <Button appearance="subtle" onClick={reload}>
          Show result
        </Button>
      </Inline>
      {opened ? (
        <Link href={opened} openNewTab>
          Check link (if no tab opened)
        </Link>
      ) : null}
      {last ? (
        <SectionMessage appearance={last.current ? 'success' : 'warning'} title={last.current ? 'The custom domain reaches Secure Share' : 'The custom domain changed since the last check'}>
          <Text>{`${last.domain} was checked ${formatDateTime(last.at)}.`}</Text>
        </SectionMessage>
      ) : null}
    </TestPanel>
  );
};

export const TestSignInPanel = asAside(TestSignIn);
export const DomainCheckPanel = asAside(DomainCheck);

export type { SetupStatus };

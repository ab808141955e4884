import React, { useState } from 'react';
import { Box, Button, Heading, Inline, Link, Lozenge, SectionMessage, Stack, Text, Textfield } from '@forge/react';
import { permissions, router } from '@forge/bridge';
import type { BrowserChecks, DiagnosticsResults, ServerChecks } from '../../../app/diagnostics';
import type { SiteSettings } from '../../../core/model';
import { callResolver, toResolverError, type ResolverError } from '../../api';
import { Field } from '../field';
import { flagError, flagSuccess } from '../flags';
import { ErrorPanel, Loading } from '../states';
import { useResource } from '../use-resource';
import { EGRESS_GROUPS, egressOriginOf, listOf } from './egress';

type Verdict = 'good' | 'warning' | 'bad' | 'neutral';
const LOZENGE: Record<Verdict, { appearance: 'success' | 'moved' | 'removed' | 'default'; text: string }> = {
  good: { appearance: 'success', text: 'Works' },
  warning: { appearance: 'moved', text: 'Safe fallback' },
  bad: { appearance: 'removed', text: 'Problem' },
  neutral: { appearance: 'default', text: 'Not checked' },
};

interface Finding {
  title: string;
  verdict: Verdict;
  text: string;
}

const Row = ({ finding, children }: { finding: Finding; children?: React.ReactNode }) => (
  <Box padding="space.150" backgroundColor="color.background.neutral.subtle" xcss={{ borderRadius: 'radius.medium' }}>
    <Stack space="space.050">
      <Inline space="space.100" alignBlock="center">
        <Heading as="h4" size="xxsmall">
          {finding.title}
        </Heading>
        <Lozenge appearance={LOZENGE[finding.verdict].appearance}>{LOZENGE[finding.verdict].text}</Lozenge>
      </Inline>
      <Text>{finding.text}</Text>
      {children}
    </Stack>
  </Box>
);

const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/** Plain-language findings of the server checks. */
export const serverFindings = (server: ServerChecks): Finding[] => [
  server.kvsConflictCodes
    ? {
        title: 'Storage conflict answers',
        verdict: /409/.test(server.kvsConflictCodes.createExisting) && /409/.test(server.kvsConflictCodes.conditionFailed) ? 'good' : 'bad',
        text: `Creating a record that already exists answered "${server.kvsConflictCodes.createExisting}"; a conditional update that must not apply answered "${server.kvsConflictCodes.conditionFailed}". Secure Share relies on these to never overwrite a concurrent change.`,
      }
    : { title: 'Storage conflict answers', verdict: 'neutral', text: 'Only checked on a Forge installation.' },
  {
    title: 'Empty values in stored data',
    verdict: server.nestedNulls === 'kept' ? 'good' : 'bad',
    text:
      server.nestedNulls === 'kept'
        ? 'Empty (null) values inside stored records come back unchanged.'
        : server.nestedNulls === 'changed'
          ? 'Stored records came back with empty (null) values changed. Report this to the app vendor.'
          : 'The storage check failed. Try again in a moment.',
  },
  {
    title: 'Attachment download',
    verdict: server.attachmentDownload.outcome === 'ok' ? 'good' : server.attachmentDownload.outcome === 'none_found' ? 'neutral' : 'bad',
    text: server.attachmentDownload.detail,
  },
];

/** Plain-language findings of the browser check. */
export const browserFindings = (browser: BrowserChecks): Finding[] => {
  const headerProblems = Object.entries(browser.securityHeaders).filter(([, verdict]) => verdict !== 'kept');
  return [
    {
      title: 'Visitor IP address',
      verdict: browser.recommendedIpHeader ? 'good' : 'bad',
      text: browser.recommendedIpHeader
        ? `The header "${browser.recommendedIpHeader}" carries the visitor's address (${browser.ipHeaders.find((h) => h.name === browser.recommendedIpHeader)?.value ?? 'seen'}), and a visitor cannot fake it. IP allow-lists should use it.`
        : `No header reliably carries the visitor's address${browser.ipHeaders.length > 0 ? ` (seen: ${browser.ipHeaders.map((h) => `${h.name}${h.forgeable ? ' — can be faked' : ''}`).join(', ')})` : ''}. Do not rely on IP allow-lists on this site.`,
    },
    {
      title: 'Cookies',
      verdict: browser.cookies.first && browser.cookies.second ? 'good' : 'warning',
      text:
        browser.cookies.first && browser.cookies.second
          ? 'Visitors stay signed in to a link with a cookie.'
          : 'Cookies do not reach Secure Share. Visitors keep their access through a short-lived ticket in the page address instead.',
    },
    {
      title: 'Security headers',
      verdict: headerProblems.length === 0 ? 'good' : 'bad',
      text:
        headerProblems.length === 0
          ? 'Every protective header Secure Share sends reaches the browser unchanged.'
          : `Changed or removed on the way: ${headerProblems.map(([name, verdict]) => `${name} (${verdict})`).join(', ')}.`,
    },
    {
      title: 'Redirects',
      verdict: browser.redirect303 ? 'good' : 'bad',
      text: browser.redirect303 ? 'Redirects after a form (303 See Other) reach the browser.' : 'Redirects did not arrive: forms on shared pages will not continue to the next page.',
    },
    {
      title: 'Files sent to visitors',
      verdict: browser.responseBody.mode ? 'good' : 'warning',
      text: browser.responseBody.mode
        ? 'Files arrive byte-exact: pictures are loaded separately and downloads are sent as files.'
        : 'Files do not arrive byte-exact: pictures are embedded in pages and downloads open a page with a save button (up to about 3 MB).',
    },
    {
      title: 'Files uploaded by visitors',
      verdict: browser.requestBody.encoding ? 'good' : 'warning',
      text: browser.requestBody.encoding
        ? 'Uploaded bytes arrive intact: every allowed file type can be uploaded.'
        : `Uploaded bytes cannot be shown to arrive intact (${browser.requestBody.detail}), so only plain-text files can be uploaded.`,
    },
  ];
};

interface RunState {
  results: DiagnosticsResults | null;
  probeUrl: string | null;
}

type ApprovedGroups = Array<{ key: string; configured: Array<{ domain: string }> }>;

/** The hosts each egress group needs for the saved settings (the SSO group: every discovered provider host). */
const hostsInUse = async (settings: SiteSettings): Promise<Record<string, string[]>> => {
  const webhook = settings.email.provider === 'webhook' ? egressOriginOf(settings.email.options['url'] ?? '') : null;
  const sso = settings.sso ? (await callResolver('discoverSsoOrigins', {})).origins : [];
  return { [EGRESS_GROUPS.emailWebhook.key]: webhook ? [webhook] : [], [EGRESS_GROUPS.ssoIssuer.key]: sso };
};

/** Hosts approved for a group but not needed by the saved settings mean replaced entries are kept. */
export const egressFinding = (inUse: Record<string, string[]>, approved: ApprovedGroups): Finding => {
  const title = 'Outbound access after a change';
  if (approved.every((group) => group.configured.length === 0)) {
    return { title, verdict: 'neutral', text: 'No host is approved yet: nothing to compare. Check again after saving a webhook or identity provider.' };
  }
  const leftovers = approved.flatMap((group) => group.configured.map((c) => c.domain).filter((domain) => !(inUse[group.key] ?? []).includes(domain)));
  return leftovers.length > 0
    ? {
        title,
        verdict: 'warning',
        text: `Replaced hosts stay approved: ${listOf(leftovers)}. Secure Share no longer uses them; remove them in the app's settings under Manage apps.`,
      }
    : { title, verdict: 'good', text: 'Only the hosts in use are approved: a replaced host is removed when you approve its successor.' };
};

/** Customer-managed egress: does a replaced host stay approved? Only the admin's browser can read it. */
const EgressCheck = () => {
  const [answer, setAnswer] = useState<Finding | null>(null);
  const check = async () => {
    try {
      const { settings } = await callResolver('getSiteSettings', {});
      const [inUse, approved] = await Promise.all([
        hostsInUse(settings),
        permissions.egress.get({ keys: [EGRESS_GROUPS.emailWebhook.key, EGRESS_GROUPS.ssoIssuer.key] }),
      ]);
      setAnswer(egressFinding(inUse, (approved?.results ?? []) as ApprovedGroups));
    } catch (error) {
      setAnswer({ title: 'Outbound access after a change', verdict: 'neutral', text: `The approved hosts could not be read (${toResolverError(error).message}).` });
    }
  };
  return (
    <Stack space="space.100">
      <Text>
        When you change the email webhook or the identity provider, Confluence asks you to approve the new host. Whether the old host stays approved can
        only be read in your browser: this compares the hosts Confluence lists for Secure Share with the ones its settings need.
      </Text>
      <Box>
        <Button onClick={() => void check()}>Check outbound access</Button>
      </Box>
      {answer ? <Row finding={answer} /> : null}
    </Stack>
  );
};

export const DiagnosticsTab = () => {
  const stored = useResource(() => callResolver('getDiagnostics', {}), []);
  const [pageId, setPageId] = useState('');
  const [run, setRun] = useState<RunState | null>(null);
  const [busy, setBusy] = useState(false);
  const [runError, setRunError] = useState<ResolverError | null>(null);

  if (stored.resource.state === 'loading') return <Loading label="Loading the self-test results" />;
  if (stored.resource.state === 'error') return <ErrorPanel error={stored.resource.error} onRetry={() => void stored.reload()} />;
  const results = run?.results ?? stored.resource.data.results;

  const start = async () => {
    setBusy(true);
    setRunError(null);
    try {
      const answer = await callResolver('runDiagnostics', pageId.trim() ? { pageId: pageId.trim() } : {});
      setRun({ results: answer.results, probeUrl: answer.probeUrl });
    } catch (error) {
      setRunError(toResolverError(error));
    } finally {
      setBusy(false);
    }
  };
  const refresh = async () => {
    const { results: latest } = await callResolver('getDiagnostics', {});
    setRun((current) => ({ results: latest, probeUrl: current?.probeUrl ?? null }));
  };
  const applyIpHeader = async () => {
    try {
      const { clientIpHeader } = await callResolver('applyDiagnosticsIpHeader', {});
      flagSuccess('IP header saved', `IP allow-lists now use "${clientIpHeader}".`);
    } catch (error) {
      flagError('IP header not saved', error);
    }
  };

  return (
    <Stack space="space.300">
      <Text>
        Some things about how Confluence delivers Secure Share pages can only be checked on this site. The self-test checks them and turns on what works:
        pictures and downloads sent as files, uploads of every file type, and the right address for IP allow-lists. Until a check proves something works,
        Secure Share keeps the safe choice.
      </Text>
      <Stack space="space.100">
        <Heading as="h3" size="xsmall">
          Step 1: checks on the server
        </Heading>
        <Field id="diagnostics-page-id" label="Page with an attachment (optional)" helper="The id of a page that has an attachment, to check downloads. Empty: a page that is already shared is used.">
          <Textfield id="diagnostics-page-id" name="pageId" value={pageId} onChange={(e) => setPageId(String(e.target.value ?? ''))} />
        </Field>
        <Box>
          <Button appearance="primary" isDisabled={busy} onClick={() => void start()}>
            {busy ? 'Running…' : 'Run self-test'}
          </Button>
        </Box>
        {runError ? <ErrorPanel error={runError} /> : null}
      </Stack>
      {run ? (
        <Stack space="space.100">
          <Heading as="h3" size="xsmall">
            Step 2: check in your browser
          </Heading>
          {run.probeUrl ? (
            <SectionMessage appearance="information" title="Open the browser check">
              <Text>
                A page opens in a new tab, runs for a few seconds and records what your browser received. It works once and for 15 minutes. Then come back and
                select Show results.
              </Text>
              <Inline space="space.100">
                <Button onClick={() => void router.open(run.probeUrl!)}>Open the browser check</Button>
                <Button onClick={() => void refresh()}>Show results</Button>
              </Inline>
              <Link href={run.probeUrl} openNewTab>
                Browser check link
              </Link>
            </SectionMessage>
          ) : (
            <SectionMessage appearance="information" title="No browser check here">
              <Text>The browser check runs only on a Forge installation; here the share pages are served by the local server itself.</Text>
            </SectionMessage>
          )}
        </Stack>
      ) : null}
      {results ? (
        <Stack space="space.150">
          <Heading as="h3" size="xsmall">
            Results
          </Heading>
          <Text>{`Server checks run ${dateOf(results.ranAt)}${results.browser ? `; browser check ${dateOf(results.browser.at)}` : '; browser check not run yet'}. Results are kept 180 days.`}</Text>
          {serverFindings(results.server).map((finding) => (
            <Row key={finding.title} finding={finding} />
          ))}
          {results.browser ? (
            browserFindings(results.browser).map((finding) => (
              <Row key={finding.title} finding={finding}>
                {finding.title === 'Visitor IP address' && results.browser?.recommendedIpHeader ? (
                  <Box>
                    <Button onClick={() => void applyIpHeader()}>{`Use ${results.browser.recommendedIpHeader} for IP allow-lists`}</Button>
                  </Box>
                ) : null}
              </Row>
            ))
          ) : (
            <Row finding={{ title: 'Browser check', verdict: 'neutral', text: 'Not run yet: pictures, downloads and uploads keep the safe choice.' }} />
          )}
        </Stack>
      ) : (
        <Text>The self-test has not been run on this site yet.</Text>
      )}
      <Stack space="space.100">
        <Heading as="h3" size="xsmall">
          Outbound access
        </Heading>
        <EgressCheck />
      </Stack>
    </Stack>
  );
};

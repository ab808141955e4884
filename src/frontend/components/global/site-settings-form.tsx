import React, { useState } from 'react';
import { Button, Form, FormFooter, Stack } from '@forge/react';
import type { SiteSettingsInput, SiteSettingsResult } from '../../../shared/contract';
import { api, toResolverError, type ResolverError } from '../../api';
import { flagError, flagSuccess } from '../flags';
import { ErrorPanel, Loading } from '../states';
import { siteInput, useSiteSettings } from './use-site-settings';

export interface SiteSectionProps {
  data: SiteSettingsResult;
  draft: SiteSettingsInput;
  setDraft: (update: (d: SiteSettingsInput) => SiteSettingsInput) => void;
  secrets: { emailApiKey?: string | null; ssoClientSecret?: string | null };
  setSecrets: (s: { emailApiKey?: string | null; ssoClientSecret?: string | null }) => void;
  fieldErrors: Record<string, string>;
}

/**
 * Loads the site settings and saves the whole document with its version; each tab renders one
 * section and may veto saving with its own validation.
 */
export const SiteSettingsForm = ({
  title,
  section: Section,
  validate,
}: {
  title: string;
  section: (props: SiteSectionProps) => React.ReactElement;
  validate?: (draft: SiteSettingsInput) => Record<string, string>;
}) => {
  const { resource, reload, replace } = useSiteSettings();
  if (resource.state === 'loading') return <Loading label="Loading settings…" />;
  if (resource.state === 'error') return <ErrorPanel error={resource.error} onRetry={reload} />;
  return <SiteSettingsEditor key={resource.data.settings.version} title={title} data={resource.data} onSaved={replace} Section={Section} validate={validate} />;
};

const SiteSettingsEditor = ({
  title,
  data,
  onSaved,
  Section,
  validate,
}: {
  title: string;
  data: SiteSettingsResult;
  onSaved: (r: SiteSettingsResult) => void;
  Section: (props: SiteSectionProps) => React.ReactElement;
  validate?: (draft: SiteSettingsInput) => Record<string, string>;
}) => {
  const [draft, setDraftState] = useState<SiteSettingsInput>(() => siteInput(data.settings));
  const [secrets, setSecrets] = useState<SiteSectionProps['secrets']>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ResolverError | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const save = async () => {
    const problems = validate?.(draft) ?? {};
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.setSiteSettings({ version: data.settings.version, settings: draft, ...secrets });
      flagSuccess(`${title} saved`);
      onSaved(result);
    } catch (e) {
      const failure = toResolverError(e);
      setError(failure);
      flagError(`${title} not saved`, failure);
    } finally {
      setBusy(false);
    }
  };

  const fieldErrors = { ...(error?.fieldMessages() ?? {}), ...localErrors };
  return (
    <Form onSubmit={save}>
      <Stack space="space.200">
        {error ? <ErrorPanel error={error} /> : null}
        <Section data={data} draft={draft} setDraft={(update) => setDraftState(update)} secrets={secrets} setSecrets={setSecrets} fieldErrors={fieldErrors} />
        <FormFooter>
          <Button appearance="primary" type="submit" isDisabled={busy}>
            Save
          </Button>
        </FormFooter>
      </Stack>
    </Form>
  );
};

import React, { useState } from 'react';
import { Button, Form, FormFooter, SectionMessage, Stack, Text } from '@forge/react';
import type { SiteSettingsInput, SiteSettingsResult } from '../../../shared/contract';
import { api, toResolverError, type ResolverError } from '../../api';
import { ConfirmModal } from '../confirm-modal';
import { flagError, flagSuccess } from '../flags';
import { ErrorPanel, Loading } from '../states';
import type { SaveNotice } from './egress';
import { siteInput, useSiteSettings } from './use-site-settings';

export interface SiteSectionProps {
  data: SiteSettingsResult;
  draft: SiteSettingsInput;
  setDraft: (update: (d: SiteSettingsInput) => SiteSettingsInput) => void;
  secrets: { emailApiKey?: string | null; ssoClientSecret?: string | null };
  setSecrets: (s: { emailApiKey?: string | null; ssoClientSecret?: string | null }) => void;
  fieldErrors: Record<string, string>;
}

/** A save that cuts something off (SSO, email delivery) is confirmed first. */
export interface SaveConfirmation {
  title: string;
  body: string;
  confirmLabel: string;
}

/** Shown below the form from the same settings answer (the section's test panel), so the section opens with one call. */
export type SiteSettingsAside = (props: { data: SiteSettingsResult; replace: (result: SiteSettingsResult) => void; reload: () => void }) => React.ReactElement | null;

export type ConfirmBeforeSave = (draft: SiteSettingsInput, secrets: SiteSectionProps['secrets'], data: SiteSettingsResult) => SaveConfirmation | null;

/**
 * Loads the site settings and saves the whole document with its version; each tab renders one
 * section and may veto saving with its own validation.
 */
export const SiteSettingsForm = ({
  title,
  section: Section,
  validate,
  confirmBefore,
  afterSave,
  aside: Aside,
}: {
  title: string;
  section: (props: SiteSectionProps) => React.ReactElement;
  validate?: (draft: SiteSettingsInput) => Record<string, string>;
  confirmBefore?: ConfirmBeforeSave;
  /** Runs after a successful save (e.g. asking for egress to a saved host); its notice stays above the form. */
  afterSave?: (saved: SiteSettingsResult) => Promise<SaveNotice | null>;
  aside?: SiteSettingsAside;
}) => {
  const { resource, reload, replace } = useSiteSettings();
  // Lives outside the editor, which remounts with each saved version.
  const [notice, setNotice] = useState<SaveNotice | null>(null);
  if (resource.state === 'loading') return <Loading label="Loading settings…" />;
  if (resource.state === 'error') return <ErrorPanel error={resource.error} onRetry={reload} />;
  const onSaved = async (result: SiteSettingsResult) => {
    setNotice(null);
    replace(result);
    if (afterSave) setNotice(await afterSave(result));
  };
  return (
    <Stack space="space.200">
      {notice ? (
        <SectionMessage appearance={notice.appearance} title={notice.title}>
          <Text>{notice.text}</Text>
        </SectionMessage>
      ) : null}
      <SiteSettingsEditor key={resource.data.settings.version} title={title} data={resource.data} onSaved={onSaved} Section={Section} validate={validate} confirmBefore={confirmBefore} />
      {Aside ? <Aside data={resource.data} replace={replace} reload={() => void reload()} /> : null}
    </Stack>
  );
};

const SiteSettingsEditor = ({
  title,
  data,
  onSaved,
  Section,
  validate,
  confirmBefore,
}: {
  title: string;
  data: SiteSettingsResult;
  onSaved: (r: SiteSettingsResult) => Promise<void>;
  Section: (props: SiteSectionProps) => React.ReactElement;
  validate?: (draft: SiteSettingsInput) => Record<string, string>;
  confirmBefore?: ConfirmBeforeSave;
}) => {
  const [draft, setDraftState] = useState<SiteSettingsInput>(() => siteInput(data.settings));
  const [secrets, setSecrets] = useState<SiteSectionProps['secrets']>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ResolverError | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const [confirming, setConfirming] = useState<SaveConfirmation | null>(null);

  const save = async () => {
    const problems = validate?.(draft) ?? {};
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    const confirmation = confirmBefore?.(draft, secrets, data) ?? null;
    if (confirmation) return setConfirming(confirmation);
    return persist();
  };

  const persist = async () => {
    setConfirming(null);
    setBusy(true);
    setError(null);
    let result: SiteSettingsResult;
    try {
      result = await api.setSiteSettings({ version: data.settings.version, settings: draft, ...secrets });
    } catch (e) {
      const failure = toResolverError(e);
      setError(failure);
      flagError(`${title} not saved`, failure);
      setBusy(false);
      return;
    }
    flagSuccess(`${title} saved`);
    // The editor remounts with the new version; a follow-up (egress approval) reports through its own notice.
    await onSaved(result);
  };

  const fieldErrors = { ...(error?.fieldMessages() ?? {}), ...localErrors };
  return (
    <>
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
      {confirming ? (
        <ConfirmModal
          title={confirming.title}
          body={confirming.body}
          confirmLabel={confirming.confirmLabel}
          appearance="warning"
          busy={busy}
          onConfirm={() => void persist()}
          onCancel={() => setConfirming(null)}
        />
      ) : null}
    </>
  );
};

import React from 'react';
import { Stack, TextArea, Textfield } from '@forge/react';
import { LabelledToggle } from '../labelled-toggle';
import { INLINE_IMAGE_URL, remoteImageUrlProblem } from '../../../core/branding-images';
import type { SiteSettingsInput } from '../../../shared/contract';
import { Field } from '../field';
import { SiteSettingsForm, type SiteSectionProps } from './site-settings-form';

/** The same rules the server applies on save (core/branding-images), so a bad URL is named before the round trip. */
const imageUrlProblem = (value: string | null, what: string): string | null => {
  if (!value) return null;
  if (value.startsWith('data:')) {
    return INLINE_IMAGE_URL.test(value) ? null : `${what} must be a PNG, JPEG, GIF, WebP or ICO image (base64 data URL); SVG is not allowed.`;
  }
  const problem = remoteImageUrlProblem(value);
  return problem ? `${what} ${problem}.` : null;
};

const IMAGE_HELPER =
  'An https:// address on a public host name, or a base64 data:image URL (PNG, JPEG, GIF, WebP, ICO; SVG is refused). Shared pages load it from that host.';

const Section = ({ draft, setDraft, fieldErrors }: SiteSectionProps) => {
  const c = draft.customization;
  const setC = (patch: Partial<SiteSettingsInput['customization']>) => setDraft((d) => ({ ...d, customization: { ...d.customization, ...patch } }));
  return (
    <Stack space="space.150">
      <LabelledToggle id="custom-show-heading" label="Show heading" isChecked={c.showHeading} onChange={(e) => setC({ showHeading: Boolean(e.target.checked) })} />
      {c.showHeading ? (
        <Field id="custom-heading" label="Heading" error={fieldErrors['customization.heading']}>
          <Textfield id="custom-heading" name="heading" maxLength={120} value={c.heading} onChange={(e) => setC({ heading: String(e.target.value ?? '') })} />
        </Field>
      ) : null}
      <Field id="custom-logo" label="Logo URL" helper={IMAGE_HELPER} error={fieldErrors['customization.logoUrl']}>
        <Textfield id="custom-logo" name="logoUrl" value={c.logoUrl ?? ''} onChange={(e) => setC({ logoUrl: String(e.target.value ?? '').trim() || null })} />
      </Field>
      <Field id="custom-favicon" label="Favicon URL" helper={IMAGE_HELPER} error={fieldErrors['customization.faviconUrl']}>
        <Textfield id="custom-favicon" name="faviconUrl" value={c.faviconUrl ?? ''} onChange={(e) => setC({ faviconUrl: String(e.target.value ?? '').trim() || null })} />
      </Field>
      <LabelledToggle id="custom-show-footer" label="Show footer" isChecked={c.showFooter} onChange={(e) => setC({ showFooter: Boolean(e.target.checked) })} />
      {c.showFooter ? (
        <Field id="custom-footer" label="Footer text" error={fieldErrors['customization.footerText']}>
          <TextArea id="custom-footer" name="footerText" value={c.footerText} onChange={(e) => setC({ footerText: String(e.target.value ?? '') })} />
        </Field>
      ) : null}
    </Stack>
  );
};

const validate = (draft: SiteSettingsInput): Record<string, string> => {
  const problems: Record<string, string> = {};
  const logo = imageUrlProblem(draft.customization.logoUrl, 'The logo');
  const favicon = imageUrlProblem(draft.customization.faviconUrl, 'The favicon');
  if (logo) problems['customization.logoUrl'] = logo;
  if (favicon) problems['customization.faviconUrl'] = favicon;
  return problems;
};

export const CustomizationTab = () => <SiteSettingsForm title="Customization" section={Section} validate={validate} />;

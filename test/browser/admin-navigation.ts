import type { Page } from 'playwright-core';

/**
 * Which group tab holds each global-settings section, and whether the group shows its own row of section
 * tabs. Kept equal to GLOBAL_GROUPS by test/ui/global-settings.test.tsx (this file cannot import the UI
 * Kit module: it runs outside the bridge).
 */
export const ADMIN_SECTION_GROUPS: Record<string, { group: string; nested: boolean }> = {
  'Getting started': { group: 'Getting started', nested: false },
  'All links': { group: 'Links', nested: false },
  'Default link configuration': { group: 'Policy', nested: true },
  'Selected users': { group: 'Policy', nested: true },
  Configurations: { group: 'Policy', nested: true },
  Classification: { group: 'Policy', nested: true },
  'Email delivery': { group: 'Delivery', nested: true },
  'Single sign-on': { group: 'Delivery', nested: true },
  'Custom domain': { group: 'Delivery', nested: true },
  Customization: { group: 'Branding', nested: false },
  'Audit log': { group: 'Audit', nested: false },
  Diagnostics: { group: 'Diagnostics', nested: false },
  Reset: { group: 'Danger zone', nested: false },
};

export const openAdminSection = async (page: Page, section: string): Promise<void> => {
  const place = ADMIN_SECTION_GROUPS[section];
  if (!place) throw new Error(`No admin section named '${section}'`);
  await page.getByRole('tab', { name: place.group, exact: true }).click();
  if (place.nested) await page.getByRole('tab', { name: section, exact: true }).click();
};

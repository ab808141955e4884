import React, { useState } from 'react';
import { Box, Heading, Stack, Tab, TabList, TabPanel, Tabs } from '@forge/react';
import { AllLinksTab } from './global/all-links-tab';
import { AuditTab } from './global/audit-tab';
import { CustomDomainTab } from './global/custom-domain-tab';
import { CustomizationTab } from './global/customization-tab';
import { DefaultConfigTab } from './global/default-config-tab';
import { DiagnosticsTab } from './global/diagnostics-tab';
import { EmailTab } from './global/email-tab';
import { GettingStartedTab } from './global/getting-started-tab';
import { ResetTab } from './global/reset-tab';
import { SelectedUsersTab } from './global/selected-users-tab';
import { SsoTab } from './global/sso-tab';

export const GLOBAL_TABS = [
  { label: 'Getting started', Panel: GettingStartedTab },
  { label: 'All links', Panel: AllLinksTab },
  { label: 'Default link configuration', Panel: DefaultConfigTab },
  { label: 'Selected users', Panel: SelectedUsersTab },
  { label: 'Custom domain', Panel: CustomDomainTab },
  { label: 'Email delivery', Panel: EmailTab },
  { label: 'Single sign-on', Panel: SsoTab },
  { label: 'Customization', Panel: CustomizationTab },
  { label: 'Audit log', Panel: AuditTab },
  { label: 'Diagnostics', Panel: DiagnosticsTab },
  { label: 'Reset', Panel: ResetTab },
] as const;

/** Only the selected tab's panel is mounted, so each tab loads its data when opened. */
export const GlobalSettingsApp = () => {
  const [selected, setSelected] = useState(0);
  return (
    <Box padding="space.200">
      <Stack space="space.200">
        <Heading as="h1" size="medium">
          Secure Share
        </Heading>
        <Tabs id="secure-share-admin" selected={selected} onChange={(index: number) => setSelected(index)}>
          <TabList>
            {GLOBAL_TABS.map(({ label }) => (
              <Tab key={label}>{label}</Tab>
            ))}
          </TabList>
          {GLOBAL_TABS.map(({ label, Panel }, index) => (
            <TabPanel key={label}>
              <Box paddingBlock="space.200">{index === selected ? <Panel /> : null}</Box>
            </TabPanel>
          ))}
        </Tabs>
      </Stack>
    </Box>
  );
};

import React, { createContext, useContext, useMemo, useState, type ComponentType } from 'react';
import { Box, Heading, Stack, Tab, TabList, TabPanel, Tabs } from '@forge/react';
import { AllLinksTab } from './global/all-links-tab';
import { AuditTab } from './global/audit-tab';
import { ClassificationTab } from './global/classification-tab';
import { ConfigurationsTab } from './global/configurations-tab';
import { CustomDomainTab } from './global/custom-domain-tab';
import { CustomizationTab } from './global/customization-tab';
import { DefaultConfigTab } from './global/default-config-tab';
import { DiagnosticsTab } from './global/diagnostics-tab';
import { EmailTab } from './global/email-tab';
import { GettingStartedTab } from './global/getting-started-tab';
import { ResetTab } from './global/reset-tab';
import { SelectedUsersTab } from './global/selected-users-tab';
import { SsoTab } from './global/sso-tab';

export interface GlobalSection {
  label: string;
  Panel: ComponentType;
}

export interface GlobalGroup {
  label: string;
  sections: readonly GlobalSection[];
}

/**
 * The admin console's navigation: a short row of groups, each holding one or more sections. A group with
 * several sections shows them as a second row of tabs, so the top row never wraps.
 */
export const GLOBAL_GROUPS: readonly GlobalGroup[] = [
  { label: 'Getting started', sections: [{ label: 'Getting started', Panel: GettingStartedTab }] },
  { label: 'Links', sections: [{ label: 'All links', Panel: AllLinksTab }] },
  {
    label: 'Policy',
    sections: [
      { label: 'Default link configuration', Panel: DefaultConfigTab },
      { label: 'Selected users', Panel: SelectedUsersTab },
      { label: 'Configurations', Panel: ConfigurationsTab },
      { label: 'Classification', Panel: ClassificationTab },
    ],
  },
  {
    label: 'Delivery',
    sections: [
      { label: 'Email delivery', Panel: EmailTab },
      { label: 'Single sign-on', Panel: SsoTab },
      { label: 'Custom domain', Panel: CustomDomainTab },
    ],
  },
  { label: 'Branding', sections: [{ label: 'Customization', Panel: CustomizationTab }] },
  { label: 'Audit', sections: [{ label: 'Audit log', Panel: AuditTab }] },
  { label: 'Diagnostics', sections: [{ label: 'Diagnostics', Panel: DiagnosticsTab }] },
  { label: 'Danger zone', sections: [{ label: 'Reset', Panel: ResetTab }] },
];

/** Every section with where it sits: the flat list tests and deep links use. */
export const GLOBAL_SECTIONS = GLOBAL_GROUPS.flatMap((group, groupIndex) =>
  group.sections.map((section, sectionIndex) => ({ ...section, group: group.label, groupIndex, sectionIndex })),
);

export type SectionLabel = (typeof GLOBAL_SECTIONS)[number]['label'];

interface AdminNavigation {
  /** Shows the named section (for example from the Getting started checklist). Unknown labels are ignored. */
  open: (section: string) => void;
}

const AdminNavigationContext = createContext<AdminNavigation>({ open: () => undefined });

export const useAdminNavigation = (): AdminNavigation => useContext(AdminNavigationContext);

const SectionPanel = ({ section }: { section: GlobalSection }) => {
  const { Panel } = section;
  return <Panel />;
};

/** Only the selected section is mounted, so each section loads its data when opened. */
export const GlobalSettingsApp = () => {
  const [group, setGroup] = useState(0);
  const [sectionOfGroup, setSectionOfGroup] = useState<readonly number[]>(() => GLOBAL_GROUPS.map(() => 0));
  const navigation = useMemo<AdminNavigation>(
    () => ({
      open: (label: string) => {
        const target = GLOBAL_SECTIONS.find((section) => section.label === label);
        if (!target) return;
        setGroup(target.groupIndex);
        setSectionOfGroup((current) => current.map((value, index) => (index === target.groupIndex ? target.sectionIndex : value)));
      },
    }),
    [],
  );
  const selectSection = (groupIndex: number, sectionIndex: number) =>
    setSectionOfGroup((current) => current.map((value, index) => (index === groupIndex ? sectionIndex : value)));

  return (
    <AdminNavigationContext.Provider value={navigation}>
      <Box padding="space.200">
        <Stack space="space.200">
          <Heading as="h1" size="medium">
            Secure Share
          </Heading>
          <Tabs id="secure-share-admin" selected={group} onChange={(index: number) => setGroup(index)}>
            <TabList>
              {GLOBAL_GROUPS.map(({ label }) => (
                <Tab key={label}>{label}</Tab>
              ))}
            </TabList>
            {GLOBAL_GROUPS.map(({ label, sections }, groupIndex) => (
              <TabPanel key={label}>
                <Box paddingBlock="space.200">
                  {groupIndex !== group ? null : sections.length === 1 ? (
                    <SectionPanel section={sections[0]!} />
                  ) : (
                    <Tabs
                      id={`secure-share-admin-${label.toLowerCase().replace(/\W+/g, '-')}`}
                      selected={sectionOfGroup[groupIndex] ?? 0}
                      onChange={(index: number) => selectSection(groupIndex, index)}
                    >
                      <TabList>
                        {sections.map((section) => (
                          <Tab key={section.label}>{section.label}</Tab>
                        ))}
                      </TabList>
                      {sections.map((section, sectionIndex) => (
                        <TabPanel key={section.label}>
                          <Box paddingBlock="space.200">
                            {sectionIndex === (sectionOfGroup[groupIndex] ?? 0) ? <SectionPanel section={section} /> : null}
                          </Box>
                        </TabPanel>
                      ))}
                    </Tabs>
                  )}
                </Box>
              </TabPanel>
            ))}
          </Tabs>
        </Stack>
      </Box>
    </AdminNavigationContext.Provider>
  );
};

import { GLOBAL_GROUPS, GLOBAL_SECTIONS } from '../../src/frontend/components/global-settings-app';
import { byType, selectTab } from './forge-doc';

/** Opens a global-settings section the way an admin does: its group tab, then its own tab when the group has several. */
export const openAdminSection = async (label: string): Promise<void> => {
  const section = GLOBAL_SECTIONS.find((candidate) => candidate.label === label);
  if (!section) throw new Error(`No admin section named '${label}'`);
  await selectTab(byType('Tabs')[0]!, section.groupIndex);
  if (GLOBAL_GROUPS[section.groupIndex]!.sections.length > 1) await selectTab(byType('Tabs')[1]!, section.sectionIndex);
};

import type { ClassificationRule } from './space-level';

/** A page's Confluence data classification level, as far as the rule needs it. */
export interface PageClassification {
  id: string;
  name: string;
  order: number;
}

/**
 * True when the classification rule forbids sharing a page of this level: the level is the chosen one, or
 * comes after it in the site's order (at or above it). A page without a level is never blocked.
 */
export const classificationBlocks = (rule: ClassificationRule | null, level: PageClassification | null): boolean => {
  if (rule === null || level === null) return false;
  if (level.id === rule.levelId) return true;
  return Number.isFinite(level.order) && level.order >= rule.order;
};

/** The message at create time, naming the rule. */
export const classificationMessage = (rule: ClassificationRule, level: PageClassification): string =>
  `This page is classified '${level.name}'. Pages classified '${rule.name}' or higher cannot be shared (classification rule set by a Confluence admin).`;

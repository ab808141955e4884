import { DomainError } from '../core/errors';
import { classificationBlocks, classificationMessage } from '../core/policy';
import type { AppDeps } from './deps';

/**
 * The classification rule at create time: a page at or above the admin's chosen level cannot get a link.
 * Reads the page's level only when a rule is set. The view checks the same rule on every request.
 * @throws DomainError('policy_violation') naming the rule.
 */
export const assertNotClassified = async (deps: AppDeps, pageId: string): Promise<void> => {
  const rule = (await deps.store.configs.getRegistry())?.classification ?? null;
  if (rule === null) return;
  const level = await deps.content.getPageClassification(pageId);
  if (level === null || !classificationBlocks(rule, level)) return;
  const message = classificationMessage(rule, level);
  throw new DomainError('policy_violation', message, [{ field: 'pageId', rule: 'classification.level', message }]);
};

/**
 * Whole-space links (SPEC "A link": a link shares a page, optionally its tree, or a whole space). A space
 * link is anchored on the space's home page: its pageId is the home page, so per-page lists, rights and
 * lifecycle apply to it unchanged, and its tree is the space's page tree from its root pages
 * (view/space-tree.ts). Child pages are implied, so the policy's "child pages allowed" cap must allow it.
 */
import { DomainError } from '../core/errors';
import type { LinkScope } from '../core/model';
import { levelName, type EffectivePolicy } from '../core/policy';
import type { PageSummary, SpaceInfo } from './ports';
import type { AppDeps } from './deps';

/** The space of `page` when `page` is its home page; undefined otherwise (or when Confluence does not tell). */
export const spaceHomeOf = async (deps: Pick<AppDeps, 'content'>, page: Pick<PageSummary, 'id' | 'spaceKey'>): Promise<SpaceInfo | undefined> => {
  const space = await deps.content.getSpace(page.spaceKey);
  return space && space.homepageId === page.id ? space : undefined;
};

/**
 * @throws DomainError('invalid_input') unless `page` is its space's home page (a space is shared from there);
 * returns the space.
 */
export const assertSpaceHome = async (deps: Pick<AppDeps, 'content'>, page: Pick<PageSummary, 'id' | 'spaceKey'>): Promise<SpaceInfo> => {
  const space = await spaceHomeOf(deps, page);
  if (!space) {
    throw new DomainError(
      'invalid_input',
      "A whole space is shared from its home page. Open the space's home page (or the space settings) to share the whole space.",
      [{ field: 'scope', rule: 'scope.notSpaceHome', message: 'This page is not the home page of its space' }],
    );
  }
  return space;
};

/** The message naming the rule that keeps a whole space from being shared, or null when the policy allows it. */
export const spaceShareRefusal = (policy: EffectivePolicy): string | null =>
  policy.caps.childPages.value
    ? null
    : `A whole space cannot be shared: child pages may not be shared under the ${levelName(policy.caps.childPages.enforcedBy ?? 'global')}.`;

/** @throws DomainError('policy_violation') when the policy does not allow child pages (a whole space is a page tree). */
export const assertSpaceShareAllowed = (policy: EffectivePolicy): void => {
  const refusal = spaceShareRefusal(policy);
  if (refusal !== null) {
    throw new DomainError('policy_violation', refusal, [{ field: 'includeChildren', rule: 'childPages.cap', message: refusal }]);
  }
};

export const isSpaceScope = (scope: LinkScope | undefined): boolean => scope === 'space';

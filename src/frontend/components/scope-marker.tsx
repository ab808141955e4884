import React from 'react';
import { Lozenge } from '@forge/react';
import type { LinkView } from '../../core/model';

/** The words every list uses for a link that shares a whole space, in place of the page title. */
export const WHOLE_SPACE = 'Whole space';

export const isWholeSpace = (link: Pick<LinkView, 'scope'>): boolean => link.scope === 'space';

/** "Whole space" marker for whole-space links; nothing for page links. */
export const ScopeMarker = ({ link }: { link: Pick<LinkView, 'scope'> }) =>
  isWholeSpace(link) ? <Lozenge appearance="new">{WHOLE_SPACE}</Lozenge> : null;

/** What a list's "Page" cell shows: the page title, or the "Whole space" marker. */
export const SharedTarget = ({ link }: { link: Pick<LinkView, 'scope' | 'pageTitle'> }) =>
  isWholeSpace(link) ? <ScopeMarker link={link} /> : <>{link.pageTitle}</>;

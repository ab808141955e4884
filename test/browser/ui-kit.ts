/**
 * Locators for UI Kit elements in the local host, which renders them through Atlaskit. Elements the
 * app gave no testId carry `ui-kit.<Element>` (plus `.<appearance>` for flags and section messages).
 */
import type { Locator, Page } from 'playwright-core';

type Scope = Page | Locator;

const pageOf = (scope: Scope): Page => ('page' in scope && typeof scope.page === 'function' ? scope.page() : (scope as Page));

export const uiKit = (scope: Scope, element: string, options: { hasText?: string | RegExp } = {}): Locator =>
  scope.locator(`[data-testid="ui-kit.${element}"]`, options);

/** A flag (showFlag) of one kind: success, info, warning or error. Flags sit outside the app's frame. */
export const flag = (scope: Scope, kind: 'success' | 'info' | 'warning' | 'error', hasText?: string | RegExp): Locator =>
  uiKit(pageOf(scope), `Flag.${kind}`, hasText ? { hasText } : {});

/** Any section message (not its `--content` parts), or one of an appearance (information, warning, error, success, discovery, change). */
export const sectionMessage = (scope: Scope, options: { appearance?: string; hasText?: string | RegExp } = {}): Locator =>
  options.appearance
    ? uiKit(scope, `SectionMessage.${options.appearance}`, options)
    : scope.locator('[data-testid^="ui-kit.SectionMessage."]:not([data-testid*="--"])', options.hasText ? { hasText: options.hasText } : {});

/** Opens an Atlaskit Select by its label; its menu is portalled to the page body. */
const openSelect = async (scope: Scope, label: string): Promise<Page> => {
  const input = scope.getByLabel(label, { exact: true });
  await input.focus();
  await input.press('ArrowDown');
  const page = pageOf(scope);
  await page.getByRole('listbox').getByRole('option').first().waitFor();
  return page;
};

export const chooseOption = async (scope: Scope, label: string, option: string): Promise<void> => {
  const page = await openSelect(scope, label);
  await page.getByRole('listbox').getByRole('option', { name: option, exact: true }).click();
};

/** The value an Atlaskit Select shows (its input is inside the value container). */
export const selectedValueOf = async (scope: Scope, label: string): Promise<string> =>
  (await scope.getByLabel(label, { exact: true }).locator('xpath=ancestor::*[@data-testid="ui-kit.Select-select--value-container"]').textContent()) ?? '';

/** Flips an Atlaskit Toggle found by its (aria) label: its input sits under the track, so click the track. */
export const flipToggle = async (scope: Scope, label: string): Promise<void> => {
  await scope.getByLabel(label, { exact: true }).locator('xpath=..').click();
};

/** Waits for the locator and returns its text (vitest has no Playwright matchers). */
export const visibleText = async (locator: Locator): Promise<string> => {
  await locator.first().waitFor({ state: 'visible', timeout: 15_000 });
  return (await locator.first().textContent()) ?? '';
};

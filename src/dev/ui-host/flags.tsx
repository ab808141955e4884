/**
 * `showFlag` / `closeFlag` of the bridge, rendered as Confluence does: an @atlaskit/flag FlagGroup
 * in the bottom-left corner, newest on top. `type` picks the icon; `appearance` makes a bold flag;
 * `isAutoDismiss` flags go away by themselves (AutoDismissFlag), the others when dismissed.
 */
import React from 'react';
import { createRoot, type Root } from 'react-dom/client';
import Flag, { AutoDismissFlag, FlagGroup } from '@atlaskit/flag';
import * as ErrorGlyph from '@atlaskit/icon/core/status-error';
import * as InfoGlyph from '@atlaskit/icon/core/status-information';
import * as SuccessGlyph from '@atlaskit/icon/core/status-success';
import * as WarningGlyph from '@atlaskit/icon/core/status-warning';
import { token } from '@atlaskit/tokens';

/**
 * The icon glyphs are CommonJS files marked __esModule; with this package's "type": "module" the
 * bundler follows Node and hands the whole exports object over as the default, so unwrap it once more.
 */
const cjsDefault = <T,>(mod: { default: T }): T => {
  const value = mod.default as unknown as { default?: T };
  return (value && typeof value === 'object' && 'default' in value ? value.default : mod.default) as T;
};
const ErrorIcon = cjsDefault(ErrorGlyph);
const InfoIcon = cjsDefault(InfoGlyph);
const SuccessIcon = cjsDefault(SuccessGlyph);
const WarningIcon = cjsDefault(WarningGlyph);

type Kind = 'info' | 'success' | 'warning' | 'error';

export interface FlagRequest {
  id: string | number;
  title?: string;
  description?: string;
  type?: Kind;
  appearance?: Kind;
  actions?: Array<{ text: string; onClick?: () => void }>;
  isAutoDismiss?: boolean;
}

const ICON: Record<Kind, (bold: boolean) => React.ReactElement> = {
  success: (bold) => <SuccessIcon label="Success" color={bold ? token('color.icon.inverse') : token('color.icon.success')} />,
  info: (bold) => <InfoIcon label="Info" color={bold ? token('color.icon.inverse') : token('color.icon.discovery')} />,
  warning: (bold) => <WarningIcon label="Warning" color={bold ? token('color.icon.warning.inverse') : token('color.icon.warning')} />,
  error: (bold) => <ErrorIcon label="Error" color={bold ? token('color.icon.inverse') : token('color.icon.danger')} />,
};

let flags: FlagRequest[] = [];
let root: Root | null = null;

const dismiss = (id: string | number): void => {
  flags = flags.filter((f) => f.id !== id);
  render();
};

const FlagView = ({ flag }: { flag: FlagRequest }) => {
  const kind: Kind = flag.appearance ?? flag.type ?? 'info';
  const props = {
    id: flag.id,
    title: flag.title ?? '',
    description: flag.description,
    icon: ICON[kind](Boolean(flag.appearance)),
    appearance: flag.appearance ?? ('normal' as const),
    actions: flag.actions?.map((action) => ({ content: action.text, onClick: () => action.onClick?.() })),
    testId: `ui-kit.Flag.${kind}`,
  };
  return flag.isAutoDismiss ? <AutoDismissFlag {...props} /> : <Flag {...props} />;
};

function render(): void {
  const container = document.getElementById('forge-flags');
  if (!container) return;
  root ??= createRoot(container);
  root.render(
    <FlagGroup onDismissed={(id) => dismiss(id as string | number)} label="Flag notifications">
      {flags.map((flag) => (
        <FlagView key={flag.id} flag={flag} />
      ))}
    </FlagGroup>,
  );
}

export const showFlag = (flag: FlagRequest): void => {
  flags = [flag, ...flags.filter((f) => f.id !== flag.id)];
  render();
};

export const closeFlag = (id: string | number): boolean => {
  const known = flags.some((f) => f.id === id);
  dismiss(id);
  return known;
};

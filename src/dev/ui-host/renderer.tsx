/**
 * Renders the UI Kit ForgeDoc tree (what @forge/react sends over `reconcile`) to the DOM with
 * react-dom, standing in for the Atlaskit renderer Confluence uses. Function props are called by
 * their `__id__`, as the real host does across the iframe bridge.
 */
import React, { useEffect, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { hostEvent } from './host-event';

export interface ForgeDoc {
  type: string;
  props: Record<string, unknown>;
  children: ForgeDoc[];
  key: string;
}

type Handler = ((...args: unknown[]) => unknown) & { __id__?: string };

/** Function props of the current tree by `__id__`, rebuilt on every reconcile. */
const handlers = new Map<string, Handler>();

const registerHandlers = (node: ForgeDoc): void => {
  for (const value of Object.values(node.props)) {
    if (typeof value === 'function') {
      const fn = value as Handler;
      if (fn.__id__) handlers.set(fn.__id__, fn);
    }
  }
  node.children.forEach(registerHandlers);
};

const call = (prop: unknown, ...args: unknown[]): void => {
  const id = typeof prop === 'function' ? (prop as Handler).__id__ : undefined;
  const fn = id ? handlers.get(id) : undefined;
  if (!fn) return;
  try {
    const result = fn(...args);
    if (result && typeof (result as Promise<unknown>).catch === 'function') {
      (result as Promise<unknown>).catch((error) => console.error('UI Kit handler failed', error));
    }
  } catch (error) {
    console.error('UI Kit handler failed', error);
  }
};

const SPACE: Record<string, string> = {
  'space.0': '0',
  'space.025': '2px',
  'space.050': '4px',
  'space.075': '6px',
  'space.100': '8px',
  'space.150': '12px',
  'space.200': '16px',
  'space.250': '20px',
  'space.300': '24px',
  'space.400': '32px',
  'space.500': '40px',
  'space.600': '48px',
};
const space = (token: unknown): string | undefined => (typeof token === 'string' ? SPACE[token] ?? undefined : undefined);

const COLOR: Record<string, string> = {
  'elevation.surface.raised': '#ffffff',
  'elevation.surface': '#ffffff',
  'color.background.neutral.subtle': '#f7f8f9',
  'color.background.neutral': '#f1f2f4',
  'color.text.subtle': '#44546f',
  'color.text.subtlest': '#626f86',
  'color.text.danger': '#ae2e24',
  'color.text': '#172b4d',
  'elevation.shadow.raised': '0 1px 1px rgba(9,30,66,.25), 0 0 1px rgba(9,30,66,.31)',
  'radius.medium': '6px',
  'radius.small': '4px',
  'radius.large': '8px',
  'border.radius': '4px',
};
const token = (value: unknown): string | undefined => (typeof value === 'string' ? COLOR[value] ?? SPACE[value] ?? value : undefined);

const xcssStyle = (xcss: unknown): React.CSSProperties => {
  if (!xcss || typeof xcss !== 'object') return {};
  const style: Record<string, string> = {};
  for (const [key, value] of Object.entries(xcss as Record<string, unknown>)) {
    const resolved = token(value);
    if (resolved !== undefined) style[key] = resolved;
  }
  return style;
};

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const textOf = (node: ForgeDoc): string => (node.type === 'String' ? String(node.props.text ?? '') : node.children.map(textOf).join(''));

const Children = ({ nodes }: { nodes: ForgeDoc[] }) => (
  <>
    {nodes.map((child) => (
      <Node key={child.key} node={child} />
    ))}
  </>
);

const useSynced = <T,>(value: T): [T, (v: T) => void] => {
  const [local, setLocal] = useState(value);
  useEffect(() => setLocal(value), [value]);
  return [local, setLocal];
};

const TextInput = ({ node, multiline }: { node: ForgeDoc; multiline: boolean }) => {
  const p = node.props;
  const [value, setValue] = useSynced(String(p.value ?? p.defaultValue ?? ''));
  const common = {
    id: str(p.id),
    name: str(p.name),
    placeholder: str(p.placeholder),
    readOnly: p.isReadOnly === true,
    disabled: p.isDisabled === true,
    required: p.isRequired === true,
    'aria-invalid': p.isInvalid === true ? true : undefined,
    className: `ak-input${p.isMonospaced ? ' mono' : ''}${p.isInvalid ? ' invalid' : ''}`,
    value,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      setValue(e.target.value);
      call(p.onChange, hostEvent({ value: e.target.value, name: p.name, id: p.id }));
    },
    onFocus: (e: React.FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      if (p.isReadOnly) e.target.select();
    },
  };
  if (multiline) return <textarea rows={3} {...common} />;
  return (
    <input
      type={str(p.type) ?? 'text'}
      maxLength={typeof p.maxLength === 'number' ? p.maxLength : undefined}
      min={p.min as number | undefined}
      max={p.max as number | undefined}
      {...common}
    />
  );
};

interface Option {
  label: string;
  value: string;
}

const SelectInput = ({ node }: { node: ForgeDoc }) => {
  const p = node.props;
  const options = (p.options ?? []) as Option[];
  const current = (p.value ?? p.defaultValue) as Option | undefined;
  const index = current ? options.findIndex((o) => o.value === current.value) : -1;
  return (
    <select
      id={str(p.id ?? p.inputId)}
      name={str(p.name)}
      className="ak-input ak-select"
      disabled={p.isDisabled === true}
      value={index >= 0 ? String(index) : ''}
      onChange={(e) => {
        const option = options[Number(e.target.value)];
        if (option) call(p.onChange, option);
      }}
    >
      {index < 0 ? <option value="">{str(p.placeholder) ?? 'Select…'}</option> : null}
      {options.map((o, i) => (
        <option key={o.value} value={String(i)}>
          {o.label}
        </option>
      ))}
    </select>
  );
};

const CheckboxInput = ({ node, toggle }: { node: ForgeDoc; toggle: boolean }) => {
  const p = node.props;
  const [checked, setChecked] = useSynced(Boolean(p.isChecked ?? p.defaultChecked));
  return (
    <label className={`${toggle ? 'ak-toggle' : 'ak-checkbox'}${p.isDisabled ? ' disabled' : ''}`}>
      <input
        type="checkbox"
        id={str(p.id)}
        name={str(p.name)}
        checked={checked}
        disabled={p.isDisabled === true}
        onChange={(e) => {
          setChecked(e.target.checked);
          call(p.onChange, hostEvent({ checked: e.target.checked, value: p.value, name: p.name, id: p.id }));
        }}
      />
      {toggle ? <span className="track" aria-hidden="true" /> : null}
      {p.label !== undefined ? <span className="label-text">{String(p.label)}</span> : null}
    </label>
  );
};

const RadioGroupInput = ({ node }: { node: ForgeDoc }) => {
  const p = node.props;
  const options = (p.options ?? []) as Array<Option & { name?: string }>;
  const [value, setValue] = useSynced(String(p.value ?? p.defaultValue ?? ''));
  return (
    <div className="ak-radio-group" role="radiogroup">
      {options.map((o) => (
        <label key={o.value} className={`ak-checkbox${p.isDisabled ? ' disabled' : ''}`}>
          <input
            type="radio"
            name={str(p.name) ?? o.name}
            value={o.value}
            checked={value === o.value}
            disabled={p.isDisabled === true}
            onChange={() => {
              setValue(o.value);
              call(p.onChange, hostEvent({ value: o.value, name: p.name, checked: true }));
            }}
          />
          <span className="label-text">{o.label}</span>
        </label>
      ))}
    </div>
  );
};

const DateInput = ({ node }: { node: ForgeDoc }) => {
  const p = node.props;
  const [value, setValue] = useSynced(String(p.value ?? p.defaultValue ?? ''));
  return (
    <input
      type="date"
      id={str(p.id)}
      name={str(p.name)}
      className="ak-input ak-date"
      min={str(p.minDate)}
      max={str(p.maxDate)}
      value={value}
      disabled={p.isDisabled === true}
      onChange={(e) => {
        setValue(e.target.value);
        call(p.onChange, e.target.value);
      }}
    />
  );
};

const TabsView = ({ node }: { node: ForgeDoc }) => {
  const p = node.props;
  const [localSelected, setLocalSelected] = useState(typeof p.defaultSelected === 'number' ? p.defaultSelected : 0);
  const selected = typeof p.selected === 'number' ? p.selected : localSelected;
  const tabList = node.children.find((c) => c.type === 'TabList');
  const panels = node.children.filter((c) => c.type === 'TabPanel');
  const tabs = tabList ? tabList.children.filter((c) => c.type === 'Tab') : [];
  return (
    <div className="ak-tabs">
      <div className="ak-tab-list" role="tablist">
        {tabs.map((tab, index) => (
          <button
            key={tab.key}
            role="tab"
            type="button"
            aria-selected={index === selected}
            className={`ak-tab${index === selected ? ' selected' : ''}`}
            onClick={() => {
              setLocalSelected(index);
              call(p.onChange, index);
            }}
          >
            {textOf(tab)}
          </button>
        ))}
      </div>
      {panels.map((panel, index) =>
        index === selected ? (
          <div key={panel.key} role="tabpanel" className="ak-tab-panel">
            <Children nodes={panel.children} />
          </div>
        ) : null,
      )}
    </div>
  );
};

const DynamicTableView = ({ node }: { node: ForgeDoc }) => {
  const p = node.props;
  const wrapper = (name: string) => node.children.find((c) => c.type === 'ContentWrapper' && c.props.name === name);
  const headCells = wrapper('head')?.children ?? [];
  const rows = wrapper('rows')?.children ?? [];
  return (
    <div className="ak-table-wrap">
      <table className="ak-table">
        {str(p.caption) ? <caption>{String(p.caption)}</caption> : null}
        <thead>
          <tr>
            {headCells.map((cell) => (
              <th key={cell.key}>
                <Children nodes={cell.children} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.isLoading ? (
            <tr>
              <td colSpan={Math.max(headCells.length, 1)} className="loading-cell">
                <span className="ak-spinner" /> Loading…
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.key}>
                {row.children.map((cell) => (
                  <td key={cell.key}>
                    <Children nodes={cell.children} />
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
};

const ModalView = ({ node }: { node: ForgeDoc }) => {
  const p = node.props;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') call(p.onClose);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [p.onClose]);
  return (
    <div className="ak-blanket" onMouseDown={(e) => e.target === e.currentTarget && call(p.onClose)}>
      <div className="ak-modal" role="dialog" aria-modal="true" aria-label={str(p.label)}>
        <Children nodes={node.children} />
      </div>
    </div>
  );
};

const HEADING_SIZE: Record<string, string> = {
  xxlarge: '35px',
  xlarge: '29px',
  large: '24px',
  medium: '20px',
  small: '16px',
  xsmall: '14px',
  xxsmall: '12px',
};

const SECTION_ICON: Record<string, string> = { information: 'i', warning: '!', error: '×', success: '✓', discovery: '★', change: '↻' };

const Node = ({ node }: { node: ForgeDoc }): React.ReactElement | null => {
  const p = node.props;
  const kids = <Children nodes={node.children} />;
  switch (node.type) {
    case 'String':
      return <>{String(p.text ?? '')}</>;
    case 'Root':
    case 'ModalTransition':
    case 'Fragment':
    case 'ContentWrapper':
      return kids;
    case 'Box':
      return (
        <div
          className="ak-box"
          style={{
            padding: space(p.padding),
            paddingBlock: space(p.paddingBlock),
            paddingInline: space(p.paddingInline),
            paddingInlineStart: space(p.paddingInlineStart),
            backgroundColor: token(p.backgroundColor),
            ...xcssStyle(p.xcss),
          }}
        >
          {kids}
        </div>
      );
    case 'Stack':
      return (
        <div className="ak-stack" style={{ gap: space(p.space), alignItems: p.alignInline === 'center' ? 'center' : p.alignInline === 'end' ? 'flex-end' : undefined }}>
          {kids}
        </div>
      );
    case 'Inline':
      return (
        <div
          className="ak-inline"
          style={{
            gap: space(p.space),
            rowGap: space(p.rowSpace ?? p.space),
            flexWrap: p.shouldWrap ? 'wrap' : undefined,
            justifyContent: p.spread === 'space-between' ? 'space-between' : p.alignInline === 'center' ? 'center' : p.alignInline === 'end' ? 'flex-end' : undefined,
            alignItems: p.alignBlock === 'center' ? 'center' : p.alignBlock === 'end' ? 'flex-end' : p.alignBlock === 'baseline' ? 'baseline' : 'flex-start',
          }}
        >
          {kids}
        </div>
      );
    case 'Heading': {
      const Tag = (['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(String(p.as)) ? p.as : 'h2') as 'h2';
      return (
        <Tag className="ak-heading" style={{ fontSize: HEADING_SIZE[String(p.size ?? 'medium')] ?? '20px' }}>
          {kids}
        </Tag>
      );
    }
    case 'Text':
      return (
        <p
          className={`ak-text size-${String(p.size ?? 'medium')}`}
          style={{ fontWeight: p.weight === 'bold' ? 600 : p.weight === 'semibold' ? 600 : p.weight === 'medium' ? 500 : undefined, color: token(p.color), textAlign: p.align as React.CSSProperties['textAlign'] }}
        >
          {kids}
        </p>
      );
    case 'Strong':
      return <strong>{kids}</strong>;
    case 'Em':
      return <em>{kids}</em>;
    case 'Link':
      return (
        <a className="ak-link" href={str(p.href)} target={p.openNewTab ? '_blank' : undefined} rel="noreferrer">
          {kids}
        </a>
      );
    case 'Code':
      return <code className="ak-code">{kids}</code>;
    case 'CodeBlock':
      return <pre className="ak-code-block">{String(p.text ?? '')}</pre>;
    case 'List': {
      const Tag = p.type === 'ordered' ? 'ol' : 'ul';
      return <Tag className="ak-list">{kids}</Tag>;
    }
    case 'ListItem':
      return <li>{kids}</li>;
    case 'Lozenge':
      return <span className={`ak-lozenge ${String(p.appearance ?? 'default')}${p.isBold ? ' bold' : ''}`}>{kids}</span>;
    case 'User': {
      // Local mode has no profile service: show the account id with an initial avatar.
      const accountId = String(p.accountId ?? '');
      return (
        <span className="ak-user">
          <span className="avatar" aria-hidden="true">
            {accountId.replace(/^u-/, '').charAt(0).toUpperCase() || '?'}
          </span>
          {accountId}
        </span>
      );
    }
    case 'Badge':
      return <span className="ak-badge">{kids}</span>;
    case 'TagGroup':
      return <div className="ak-tag-group" style={{ display: 'flex', flexWrap: 'wrap', gap: '4px' }}>{kids}</div>;
    case 'Tag':
      return (
        <span className={`ak-tag ${String(p.color ?? 'standard')}`} style={{ display: 'inline-flex', gap: '4px', alignItems: 'center', padding: '0 6px', borderRadius: '3px', background: String(p.color ?? '').startsWith('red') ? '#ffebe6' : '#f1f2f4' }}>
          {String(p.text ?? '')}
          {p.isRemovable ? (
            <button type="button" aria-label={String(p.removeButtonLabel ?? `Remove ${String(p.text ?? '')}`)} onClick={() => call(p.onAfterRemoveAction, p.text)}>
              ×
            </button>
          ) : null}
        </span>
      );
    case 'Spinner':
      return <span className={`ak-spinner ${String(p.size ?? 'medium')}`} role="status" aria-label={str(p.label) ?? 'Loading'} />;
    case 'SectionMessage':
      return (
        <section className={`ak-section-message ${String(p.appearance ?? 'information')}`}>
          <span className="icon" aria-hidden="true">
            {SECTION_ICON[String(p.appearance ?? 'information')] ?? 'i'}
          </span>
          <div className="content">
            {p.title ? <h4 className="title">{String(p.title)}</h4> : null}
            <div>{kids}</div>
          </div>
        </section>
      );
    case 'EmptyState':
      return (
        <div className="ak-empty-state">
          <svg className="art" aria-hidden="true" width="48" height="48" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round">
            <path d="M10 13a5 5 0 0 0 7.07 0l3-3a5 5 0 0 0-7.07-7.07l-1.5 1.5" />
            <path d="M14 11a5 5 0 0 0-7.07 0l-3 3a5 5 0 0 0 7.07 7.07l1.5-1.5" />
          </svg>
          <h3>{String(p.header ?? '')}</h3>
          {typeof p.description === 'string' ? <p>{p.description}</p> : null}
          {kids}
        </div>
      );
    case 'Button':
    case 'LoadingButton':
      return (
        <button
          type={p.type === 'submit' ? 'submit' : 'button'}
          className={`ak-button ${String(p.appearance ?? 'default')}${p.spacing === 'compact' ? ' compact' : ''}${p.shouldFitContainer ? ' fit' : ''}`}
          disabled={p.isDisabled === true || p.isLoading === true}
          onClick={p.onClick ? () => call(p.onClick) : undefined}
        >
          {kids}
        </button>
      );
    case 'ButtonGroup':
      return (
        <div className="ak-button-group" role="group" aria-label={str(p.label)}>
          {kids}
        </div>
      );
    case 'Form':
      return (
        <form
          className="ak-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            call(p.onSubmit);
          }}
        >
          {kids}
        </form>
      );
    case 'FormHeader':
    case 'FormSection':
      return <div className={`ak-${node.type.toLowerCase()}`}>{kids}</div>;
    case 'FormFooter':
      return <div className="ak-form-footer">{kids}</div>;
    case 'Label':
      return (
        <label className="ak-label" htmlFor={str(p.labelFor)} id={str(p.id)}>
          {kids}
        </label>
      );
    case 'RequiredAsterisk':
      return (
        <span className="ak-required" aria-label="required">
          {' *'}
        </span>
      );
    case 'HelperMessage':
      return <div className="ak-helper">{kids}</div>;
    case 'ErrorMessage':
      return (
        <div className="ak-error-message" role="alert">
          {kids}
        </div>
      );
    case 'ValidMessage':
      return <div className="ak-valid-message">{kids}</div>;
    case 'Textfield':
      return <TextInput node={node} multiline={false} />;
    case 'TextArea':
      return <TextInput node={node} multiline />;
    case 'Select':
      return <SelectInput node={node} />;
    case 'Checkbox':
      return <CheckboxInput node={node} toggle={false} />;
    case 'Toggle':
      return <CheckboxInput node={node} toggle />;
    case 'RadioGroup':
      return <RadioGroupInput node={node} />;
    case 'DatePicker':
      return <DateInput node={node} />;
    case 'Tabs':
      return <TabsView node={node} />;
    case 'DynamicTable':
      return <DynamicTableView node={node} />;
    case 'Modal':
      return <ModalView node={node} />;
    case 'ModalHeader':
      return <div className="ak-modal-header">{kids}</div>;
    case 'ModalTitle':
      return <h2 className={`ak-modal-title ${String(p.appearance ?? '')}`}>{kids}</h2>;
    case 'ModalBody':
      return <div className="ak-modal-body">{kids}</div>;
    case 'ModalFooter':
      return <div className="ak-modal-footer">{kids}</div>;
    default:
      return (
        <div className="ak-unknown" data-forge-type={node.type}>
          {kids}
        </div>
      );
  }
};

let root: Root | null = null;
let scheduled = false;
let latest: ForgeDoc | null = null;

/** Called on every `reconcile`; renders on the next microtask so it never runs inside the app's commit. */
export const renderForgeDoc = (doc: ForgeDoc): void => {
  latest = doc;
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    if (!latest) return;
    handlers.clear();
    registerHandlers(latest);
    const container = document.getElementById('forge-app');
    if (!container) return;
    root ??= createRoot(container);
    root.render(<Node node={latest} />);
    container.setAttribute('data-rendered', 'true');
  });
};

export const showToast = (flag: { id: string; title?: string; description?: string; type?: string; appearance?: string; isAutoDismiss?: boolean }): void => {
  const host = document.getElementById('forge-flags');
  if (!host) return;
  const kind = flag.appearance ?? flag.type ?? 'info';
  const el = document.createElement('div');
  el.className = `ak-flag ${kind}`;
  el.setAttribute('role', 'status');
  el.dataset.flagId = flag.id;
  const title = document.createElement('strong');
  title.textContent = flag.title ?? '';
  el.appendChild(title);
  if (flag.description) {
    const body = document.createElement('div');
    body.textContent = flag.description;
    el.appendChild(body);
  }
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'close';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '×';
  close.onclick = () => el.remove();
  el.appendChild(close);
  host.appendChild(el);
  if (kind !== 'error') setTimeout(() => el.remove(), 6000);
};

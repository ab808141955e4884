/**
 * One renderer per UI Kit element: the ForgeDoc node's props go to the Atlaskit component
 * Confluence renders it with (atlaskit-map.ts), with function props bridged to the app's handlers
 * and DOM events serialized (hostEvent) as the product host does.
 */
import React, { useEffect, useState } from 'react';
import Avatar from '@atlaskit/avatar';
import Badge from '@atlaskit/badge';
import Button, { ButtonGroup, LoadingButton } from '@atlaskit/button';
import { Checkbox } from '@atlaskit/checkbox';
import { DatePicker } from '@atlaskit/datetime-picker';
import DynamicTable from '@atlaskit/dynamic-table';
import EmptyState from '@atlaskit/empty-state';
import { ErrorMessage, FormFooter, FormHeader, FormSection, HelperMessage, Label, RequiredAsterisk, ValidMessage } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import Link from '@atlaskit/link';
import Lozenge from '@atlaskit/lozenge';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import { Box, Inline, Pressable, Stack, Text, xcss } from '@atlaskit/primitives';
import { RadioGroup } from '@atlaskit/radio';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import Tag, { SimpleTag } from '@atlaskit/tag';
import TagGroup from '@atlaskit/tag-group';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import Tooltip from '@atlaskit/tooltip';
import type { RenderedType } from './atlaskit-map';
import { hostEvent } from './host-event';
import { callHandler, renderNodes, type ForgeDoc } from './renderer';

type Props = Record<string, unknown>;
type AnyComponent = React.ComponentType<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A DOM event becomes the plain object UI Kit handlers get; anything else (option, index, date) passes as is. */
const serialize = (arg: unknown): unknown => {
  if (!arg || typeof arg !== 'object' || !('nativeEvent' in arg)) return arg;
  const event = arg as React.SyntheticEvent<HTMLInputElement>;
  const target = event.currentTarget ?? event.target;
  return hostEvent({ value: target.value, checked: target.checked, name: target.name || undefined, id: target.id || undefined }, event.type);
};

/** Replaces function props by callers of the app's handler (first argument serialized). */
const bridged = (props: Props): Props => {
  const out: Props = {};
  for (const [name, value] of Object.entries(props)) out[name] = typeof value === 'function' ? (arg?: unknown) => callHandler(value, serialize(arg)) : value;
  return out;
};

const without = (props: Props, ...names: string[]): Props => {
  const out = { ...props };
  for (const name of names) delete out[name];
  return out;
};

/** Test hook where the app set none, e.g. `ui-kit.SectionMessage.error` (Confluence renders the app's testId only). */
const testIdOf = (node: ForgeDoc, variant?: unknown): string =>
  typeof node.props.testId === 'string' ? node.props.testId : `ui-kit.${node.type}${typeof variant === 'string' ? `.${variant}` : ''}`;

/** UI Kit's serializable xcss object becomes a primitives xcss style (token names resolved there). */
const xcssOf = (value: unknown) => (value && typeof value === 'object' ? xcss({ ...(value as Record<string, unknown>) } as never) : undefined);

/** A controlled value the app echoes back after a round trip; kept locally so typing never lags. */
const useEchoed = <T,>(value: T): [T, (v: T) => void] => {
  const [local, setLocal] = useState(value);
  useEffect(() => setLocal(value), [value]);
  return [local, setLocal];
};

const el = (Component: AnyComponent, props: Props, children?: React.ReactNode[]) =>
  React.createElement(Component, props, ...(children ?? []));

const TextInput = ({ node, multiline }: { node: ForgeDoc; multiline: boolean }) => {
  const p = node.props;
  const controlled = 'value' in p;
  const [value, setValue] = useEchoed(String(p.value ?? ''));
  const props: Props = {
    ...bridged(without(p, 'value', 'onChange', 'testId')),
    testId: testIdOf(node),
    ...(controlled ? { value } : {}),
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => {
      if (controlled) setValue(event.currentTarget.value);
      callHandler(p.onChange, serialize(event));
    },
  };
  return el(multiline ? TextArea : Textfield, props);
};

const CheckedInput = ({ node, Component }: { node: ForgeDoc; Component: AnyComponent }) => {
  const p = node.props;
  const controlled = 'isChecked' in p;
  const [checked, setChecked] = useEchoed(Boolean(p.isChecked));
  return el(Component, {
    ...bridged(without(p, 'isChecked', 'onChange')),
    ...(controlled ? { isChecked: checked } : {}),
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => {
      if (controlled) setChecked(event.currentTarget.checked);
      callHandler(p.onChange, serialize(event));
    },
  });
};

const RadioGroupInput = ({ node }: { node: ForgeDoc }) => {
  const p = node.props;
  const controlled = 'value' in p;
  const [value, setValue] = useEchoed(p.value as string | null | undefined);
  return el(RadioGroup, {
    ...bridged(without(p, 'value', 'onChange')),
    ...(controlled ? { value: value ?? null } : {}),
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => {
      if (controlled) setValue(event.currentTarget.value);
      callHandler(p.onChange, serialize(event));
    },
  });
};

const TabsView = ({ node }: { node: ForgeDoc }) => {
  const p = node.props;
  return el(Tabs, { id: `ui-kit-tabs-${node.key}`, ...bridged(without(p, 'onChange')), onChange: (index: number) => callHandler(p.onChange, index) }, renderNodes(node.children));
};

/** UI Kit sends head and rows as ContentWrapper → Row → Cell nodes; Atlaskit wants them as props again. */
const DynamicTableView = ({ node }: { node: ForgeDoc }) => {
  const p = node.props;
  const wrapper = (name: string) => node.children.find((c) => c.type === 'ContentWrapper' && c.props.name === name)?.children ?? [];
  const cellOf = (cell: ForgeDoc) => ({ ...without(cell.props, 'cellKey'), key: cell.props.cellKey ?? cell.key, content: renderNodes(cell.children) });
  const head = { cells: wrapper('head').map(cellOf) };
  const rows = wrapper('rows').map((row) => ({ ...without(row.props, 'rowKey'), key: String(row.props.rowKey ?? row.key), cells: row.children.map(cellOf) }));
  return el(DynamicTable, { ...bridged(p), head, rows, testId: testIdOf(node) });
};

/** Display names by account id, asked once per id from the local server (the fixture site's users). */
const names = new Map<string, Promise<string | undefined>>();
const displayNameOf = (accountId: string): Promise<string | undefined> => {
  let pending = names.get(accountId);
  if (!pending) {
    pending = fetch(`/ui/assets/users?id=${encodeURIComponent(accountId)}`)
      .then((response): Promise<Record<string, string>> | Record<string, string> => (response.ok ? response.json() : {}))
      .then((found) => found[accountId])
      .catch(() => undefined);
    names.set(accountId, pending);
  }
  return pending;
};

/** As in Confluence: a small avatar and the person's name (the account id until the name is known, or if unknown). */
const UserView = ({ node }: { node: ForgeDoc }) => {
  const accountId = String(node.props.accountId ?? '');
  const [name, setName] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void displayNameOf(accountId).then((found) => live && setName(found));
    return () => {
      live = false;
    };
  }, [accountId]);
  const label = name ?? accountId;
  return (
    <Inline space="space.050" alignBlock="center" as="span">
      <Avatar size="xsmall" name={label} />
      <Text>{label}</Text>
    </Inline>
  );
};

const selectProps = (node: ForgeDoc): Props => {
  const p = node.props;
  return {
    ...bridged(without(p, 'id', 'onChange')),
    inputId: p.inputId ?? p.id,
    // Menus escape modals and scrolling panels, as the product host lets them.
    menuPortalTarget: document.body,
    styles: { menuPortal: (base: Record<string, unknown>) => ({ ...base, zIndex: 1000 }) },
    onChange: (value: unknown) => callHandler(p.onChange, value),
    testId: testIdOf(node),
  };
};

type Renderer = (node: ForgeDoc) => React.ReactElement | null;

const passThrough = (Component: AnyComponent, extra: (node: ForgeDoc) => Props = () => ({})): Renderer => (node) =>
  el(Component, { ...bridged(node.props), ...extra(node) }, renderNodes(node.children));

const RENDERERS: Record<RenderedType, Renderer> = {
  Badge: passThrough(Badge),
  Box: (node) => el(Box, { ...bridged(without(node.props, 'xcss')), xcss: xcssOf(node.props.xcss), testId: testIdOf(node) }, renderNodes(node.children)),
  Button: passThrough(Button),
  ButtonGroup: passThrough(ButtonGroup),
  Checkbox: (node) => <CheckedInput node={node} Component={Checkbox} />,
  DatePicker: (node) =>
    el(DatePicker, { ...bridged(without(node.props, 'onChange')), onChange: (value: string) => callHandler(node.props.onChange, value), testId: testIdOf(node) }),
  DynamicTable: (node) => <DynamicTableView node={node} />,
  EmptyState: (node) => el(EmptyState, { headingLevel: 3, ...bridged(node.props) }),
  ErrorMessage: passThrough(ErrorMessage, (node) => ({ testId: testIdOf(node) })),
  // UI Kit's Form takes only children and onSubmit (no Atlaskit Field render props), so the host
  // renders a plain form; the app validates, so the browser's own constraint bubbles stay off.
  Form: (node) => (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        callHandler(node.props.onSubmit);
      }}
    >
      {renderNodes(node.children)}
    </form>
  ),
  FormFooter: passThrough(FormFooter),
  FormHeader: passThrough(FormHeader),
  FormSection: passThrough(FormSection),
  Heading: passThrough(Heading, (node) => ({ size: node.props.size ?? 'medium' })),
  HelperMessage: passThrough(HelperMessage),
  Inline: passThrough(Inline),
  Label: (node) => el(Label, { ...bridged(without(node.props, 'labelFor')), htmlFor: node.props.labelFor }, renderNodes(node.children)),
  Link: (node) => el(Link, { href: node.props.href, target: node.props.openNewTab ? '_blank' : undefined }, renderNodes(node.children)),
  List: (node) => el(Box, { as: node.props.type === 'ordered' ? 'ol' : 'ul', xcss: xcssOf({ paddingInlineStart: 'space.300', marginBlock: 'space.0' }) }, renderNodes(node.children)),
  ListItem: (node) => el(Box, { as: 'li' }, renderNodes(node.children)),
  LoadingButton: passThrough(LoadingButton),
  Lozenge: passThrough(Lozenge, (node) => ({ testId: testIdOf(node) })),
  Modal: (node) =>
    el(Modal, { ...bridged(without(node.props, 'onClose')), onClose: () => callHandler(node.props.onClose), testId: testIdOf(node) }, renderNodes(node.children)),
  ModalBody: passThrough(ModalBody),
  ModalFooter: passThrough(ModalFooter),
  ModalHeader: passThrough(ModalHeader),
  ModalTitle: passThrough(ModalTitle),
  ModalTransition: passThrough(ModalTransition),
  Pressable: (node) => el(Pressable, { ...bridged(without(node.props, 'xcss')), xcss: xcssOf(node.props.xcss) }, renderNodes(node.children)),
  RadioGroup: (node) => <RadioGroupInput node={node} />,
  RequiredAsterisk: () => <RequiredAsterisk />,
  SectionMessage: passThrough(SectionMessage, (node) => ({ testId: testIdOf(node, node.props.appearance ?? 'information') })),
  Select: (node) => el(Select, selectProps(node)),
  Spinner: passThrough(Spinner, (node) => ({ testId: testIdOf(node) })),
  Stack: passThrough(Stack),
  Tab: passThrough(Tab),
  TabList: passThrough(TabList),
  TabPanel: (node) => el(TabPanel, bridged(node.props), [<Box key="panel" paddingBlock="space.200" testId="ui-kit.TabPanel">{renderNodes(node.children)}</Box>]),
  Tabs: (node) => <TabsView node={node} />,
  Tag: (node) => {
    const p = node.props;
    const props = { ...bridged(without(p, 'onAfterRemoveAction', 'isRemovable')), testId: testIdOf(node), onAfterRemoveAction: (text: string) => callHandler(p.onAfterRemoveAction, text) };
    return p.isRemovable ? el(Tag, props) : el(SimpleTag, props);
  },
  TagGroup: passThrough(TagGroup),
  Text: passThrough(Text, (node) => ({ as: 'p', testId: testIdOf(node) })),
  TextArea: (node) => <TextInput node={node} multiline />,
  Textfield: (node) => <TextInput node={node} multiline={false} />,
  Toggle: (node) => <CheckedInput node={node} Component={Toggle} />,
  Tooltip: (node) => el(Tooltip, bridged(node.props), [<span key="trigger">{renderNodes(node.children)}</span>]),
  User: (node) => <UserView node={node} />,
  ValidMessage: passThrough(ValidMessage),
};

/** Structural nodes of the ForgeDoc that render only their children. */
const STRUCTURAL = new Set(['Root', 'Fragment', 'ContentWrapper']);

/** UIKit 1 markup @forge/react still exports; forge-react-types defines none of them. */
const MARKUP: Record<string, keyof React.JSX.IntrinsicElements> = { Strong: 'strong', Em: 'em', Strike: 's' };

export const renderElement = (node: ForgeDoc): React.ReactElement | null => {
  if (node.type === 'String') return <>{String(node.props.text ?? '')}</>;
  if (STRUCTURAL.has(node.type)) return <>{renderNodes(node.children)}</>;
  const renderer = RENDERERS[node.type as RenderedType];
  if (renderer) return renderer(node);
  const markup = MARKUP[node.type];
  if (markup) return React.createElement(markup, null, ...renderNodes(node.children));
  console.warn(`The local host has no Atlaskit mapping for UI Kit element "${node.type}"`);
  return <div data-forge-type={node.type}>{renderNodes(node.children)}</div>;
};

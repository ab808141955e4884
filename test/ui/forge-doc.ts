/**
 * Queries and interactions over the ForgeDoc tree the real @forge/react reconciler produces.
 * Interactions call the function props a host would call, inside React's act().
 */
import * as React from 'react';
import ForgeReconciler from '@forge/react';
import { fakeHost, type ForgeDoc } from './fake-host';
import { hostEvent } from '../../src/dev/ui-host/host-event';

type Act = (cb: () => Promise<void>) => Promise<void>;
const act = (React as unknown as { unstable_act: Act }).unstable_act;

export const currentDoc = (): ForgeDoc => {
  if (!fakeHost.doc) throw new Error('Nothing rendered yet');
  return fakeHost.doc;
};

/** Lets pending promises (resolver calls) settle and React commit the result. */
export const settle = async (rounds = 3): Promise<void> => {
  for (let i = 0; i < rounds; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
};

export const render = async (element: React.ReactElement): Promise<ForgeDoc> => {
  await act(async () => {
    ForgeReconciler.render(element);
  });
  await settle();
  return currentDoc();
};

export const findAll = (predicate: (node: ForgeDoc) => boolean, root: ForgeDoc = currentDoc()): ForgeDoc[] => {
  const found: ForgeDoc[] = [];
  const walk = (node: ForgeDoc): void => {
    if (predicate(node)) found.push(node);
    node.children.forEach(walk);
  };
  walk(root);
  return found;
};

/** Visible text of a node: its String children plus text-bearing props of its descendants. */
export const textOf = (node: ForgeDoc): string => {
  if (node.type === 'String') return String(node.props.text ?? '');
  const own = ['label', 'header', 'description', 'title', 'text']
    .map((prop) => node.props[prop])
    .filter((value): value is string => typeof value === 'string');
  return [...own, ...node.children.map(textOf)].join(' ').replace(/\s+/g, ' ').trim();
};

export const allText = (root: ForgeDoc = currentDoc()): string => textOf(root);

export const byType = (type: string, root: ForgeDoc = currentDoc()): ForgeDoc[] => findAll((n) => n.type === type, root);

export const hasText = (text: string | RegExp, root: ForgeDoc = currentDoc()): boolean => {
  const all = allText(root);
  return typeof text === 'string' ? all.includes(text) : text.test(all);
};

/** The single node of `type` whose own text matches; throws with the visible text when absent or ambiguous. */
export const getByText = (type: string, text: string | RegExp, root: ForgeDoc = currentDoc()): ForgeDoc => {
  const matches = byType(type, root).filter((node) => {
    const t = textOf(node);
    return typeof text === 'string' ? t === text : text.test(t);
  });
  if (matches.length !== 1) {
    throw new Error(`Expected one ${type} with text ${String(text)}, found ${matches.length}. Visible: ${allText(root)}`);
  }
  return matches[0]!;
};

export const queryByText = (type: string, text: string | RegExp, root: ForgeDoc = currentDoc()): ForgeDoc | undefined =>
  byType(type, root).find((node) => {
    const t = textOf(node);
    return typeof text === 'string' ? t === text : text.test(t);
  });

export const button = (label: string | RegExp, root: ForgeDoc = currentDoc()): ForgeDoc => getByText('Button', label, root);

/**
 * The input a Label points at (`labelFor` → `id`), or a Checkbox/Toggle carrying the label itself.
 * Label text is matched without the required asterisk.
 */
export const field = (label: string, root: ForgeDoc = currentDoc()): ForgeDoc => {
  const labels = byType('Label', root).filter((node) => textOf(node).replace(/\s*\*$/, '').replace(/\s*\*\s*/g, ' ').trim() === label);
  if (labels.length === 1) {
    const target = labels[0]!.props.labelFor;
    let input = findAll((n) => n.type !== 'Label' && n.props.id === target, root);
    // RadioGroup has no id prop: its `name` is the unprefixed label target.
    if (input.length === 0) input = findAll((n) => n.type === 'RadioGroup' && typeof n.props.name === 'string' && String(target).endsWith(`-${n.props.name}`), root);
    if (input.length !== 1) throw new Error(`Label "${label}" points at ${String(target)}, found ${input.length} inputs`);
    return input[0]!;
  }
  const labelled = findAll((n) => (n.type === 'Checkbox' || n.type === 'Toggle') && n.props.label === label, root);
  if (labelled.length === 1) return labelled[0]!;
  throw new Error(`No single field labelled "${label}" (labels: ${byType('Label', root).map(textOf).join(' | ')})`);
};

export const queryField = (label: string, root: ForgeDoc = currentDoc()): ForgeDoc | undefined => {
  try {
    return field(label, root);
  } catch {
    return undefined;
  }
};

const callProp = async (node: ForgeDoc, prop: string, ...args: unknown[]): Promise<void> => {
  const fn = node.props[prop];
  if (typeof fn !== 'function') throw new Error(`${node.type} has no ${prop} handler`);
  await act(async () => {
    await (fn as (...a: unknown[]) => unknown)(...args);
  });
  await settle();
};

export const click = (node: ForgeDoc): Promise<void> => callProp(node, 'onClick');

/** Types into a Textfield/TextArea (event with target.value). */
export const type = (node: ForgeDoc, value: string): Promise<void> => callProp(node, 'onChange', hostEvent({ value }));

export const check = (node: ForgeDoc, checked: boolean): Promise<void> => callProp(node, 'onChange', hostEvent({ checked }));

/** Picks a Select option by its value (Select passes the option object). */
export const select = (node: ForgeDoc, value: string): Promise<void> => {
  const options = (node.props.options ?? []) as Array<{ label: string; value: string }>;
  const option = options.find((o) => o.value === value);
  if (!option) throw new Error(`Select has no option ${value} (has ${options.map((o) => o.value).join(', ')})`);
  return callProp(node, 'onChange', option);
};

export const choose = (node: ForgeDoc, value: string): Promise<void> => callProp(node, 'onChange', hostEvent({ value }));

export const pickDate = (node: ForgeDoc, isoDate: string): Promise<void> => callProp(node, 'onChange', isoDate);

export const submit = (form: ForgeDoc): Promise<void> => callProp(form, 'onSubmit');

export const selectTab = (tabs: ForgeDoc, index: number): Promise<void> => callProp(tabs, 'onChange', index);

/**
 * The app may only use UI Kit components and props that @atlaskit/forge-react-types defines (what
 * Confluence's UI Kit host renders), and the local host must render each of them through Atlaskit.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ATLASKIT_SOURCE } from '../src/dev/ui-host/atlaskit-map';
import { scanUiKitUsage, tsxFilesUnder } from './support/ui-kit-usage';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('UI Kit usage of the app', () => {
  const scan = scanUiKitUsage(root, tsxFilesUnder(root, 'src/frontend'));

  it('uses only components and props that @atlaskit/forge-react-types defines', () => {
    expect(scan.uses.length).toBeGreaterThan(100);
    expect(scan.problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([]);
  });

  it('renders every UI Kit component it uses through an Atlaskit component in the local host', () => {
    const used = [...new Set(scan.uses.map((u) => u.component))].sort();
    expect(used).toContain('DynamicTable');
    expect(used.filter((name) => !(name in ATLASKIT_SOURCE))).toEqual([]);
  });
});

describe('the UI Kit usage scan', () => {
  const probe = path.join(root, 'src/frontend/__ui-kit-probe__.tsx');
  const scanProbe = (source: string) => scanUiKitUsage(root, [], { [probe]: source }).problems.map((p) => p.message);

  it('reports a prop the component does not define, also through a spread, and children where none are taken', () => {
    const problems = scanProbe(`
      import React from 'react';
      import { Button, Textfield, Lozenge as Pill } from '@forge/react';
      const extra = { appearance: 'primary' as const, tooltip: 'no' };
      export const Probe = () => (
        <>
          <Button onClick={() => undefined} iconBefore="add" shape="round">Go</Button>
          <Pill {...extra}>ok</Pill>
          <Textfield name="n">child</Textfield>
        </>
      );`);
    expect(problems).toEqual([
      '<Button> has no prop "shape" in @atlaskit/forge-react-types',
      '<Pill> has no prop "tooltip" in @atlaskit/forge-react-types',
      '<Textfield> has no prop "children" in @atlaskit/forge-react-types',
    ]);
  });

  it('reports components @forge/react exports without a forge-react-types definition, and props on prop-less ones', () => {
    const problems = scanProbe(`
      import React from 'react';
      import { Strong, RequiredAsterisk, Text } from '@forge/react';
      const Own = ({ children }: { children: React.ReactNode }) => <>{children}</>;
      export const Probe = () => (
        <Own>
          <Text><Strong>bold</Strong></Text>
          <RequiredAsterisk title="x" />
        </Own>
      );`);
    expect(problems).toEqual(['<Strong> is not a component @atlaskit/forge-react-types defines', '<RequiredAsterisk> takes no props, got "title"']);
  });
});

/**
 * Scans UI Kit JSX with the TypeScript checker: every element whose tag is imported from
 * `@forge/react` must be a component whose props type comes from `@atlaskit/forge-react-types`,
 * and every prop it gets (attributes, spreads, children) must be a prop that type defines.
 * The local host renders these elements through Atlaskit, so what passes here is what it maps.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface UiKitUse {
  file: string;
  line: number;
  component: string;
  props: string[];
}

export interface UiKitProblem {
  file: string;
  line: number;
  message: string;
}

export interface UiKitScan {
  uses: UiKitUse[];
  problems: UiKitProblem[];
}

/** Components @forge/react defines without a props type in forge-react-types; they take no props. */
const PROPLESS = new Set(['RequiredAsterisk']);

const isFromTypesPackage = (symbol: ts.Symbol | undefined): boolean =>
  (symbol?.declarations ?? []).some((d) => d.getSourceFile().fileName.includes('/@atlaskit/forge-react-types/'));

const isFromForgeReact = (declaration: ts.Declaration): boolean => declaration.getSourceFile().fileName.includes('/@forge/react/');

const compilerOptions = (root: string): ts.CompilerOptions => {
  const configPath = path.join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  return { ...ts.parseJsonConfigFileContent(config.config, ts.sys, root).options, noEmit: true };
};

/** Every .tsx file under a folder of the repo (UI Kit JSX lives only in .tsx files). */
export const tsxFilesUnder = (root: string, folder: string): string[] =>
  (readdirSync(path.join(root, folder), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.tsx'))
    .map((f) => path.join(root, folder, f))
    .sort();

/** Lists source files and, for tests, in-memory files (path → text) that stand in for real ones. */
export const scanUiKitUsage = (root: string, files: string[], virtualFiles: Record<string, string> = {}): UiKitScan => {
  const options = compilerOptions(root);
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => virtualFiles[name] ?? readFile(name);
  host.fileExists = (name) => name in virtualFiles || fileExists(name);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
    const text = virtualFiles[name];
    return text !== undefined ? ts.createSourceFile(name, text, languageVersion, true, ts.ScriptKind.TSX) : getSourceFile(name, languageVersion, onError, shouldCreate);
  };
  const rootNames = [...files, ...Object.keys(virtualFiles)];
  const program = ts.createProgram({ rootNames, options, host });
  const checker = program.getTypeChecker();
  const uses: UiKitUse[] = [];
  const problems: UiKitProblem[] = [];

  const resolveAlias = (symbol: ts.Symbol | undefined): ts.Symbol | undefined =>
    symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

  const propNamesOf = (type: ts.Type): Set<string> => {
    const names = new Set<string>();
    const members = type.isUnion() ? type.types : [type];
    for (const member of members) for (const prop of checker.getPropertiesOfType(checker.getApparentType(member))) names.add(prop.getName());
    return names;
  };

  /** The @forge/react declaration a tag resolves to, or undefined for the app's own components. */
  const forgeDeclaration = (tag: ts.JsxTagNameExpression): ts.VariableDeclaration | undefined => {
    if (!ts.isIdentifier(tag)) return undefined;
    const declaration = resolveAlias(checker.getSymbolAtLocation(tag))?.declarations?.[0];
    return declaration && ts.isVariableDeclaration(declaration) && isFromForgeReact(declaration) ? declaration : undefined;
  };

  /** The props type of a @forge/react component, if forge-react-types defines it. */
  const definedProps = (declaration: ts.VariableDeclaration): ts.Type | undefined => {
    const typeNode = declaration.type;
    if (!typeNode) return undefined;
    // Either `TButton<ForgeElement>` or `(props: DynamicTableProps) => …`, each naming a forge-react-types type.
    const reference = ts.isTypeReferenceNode(typeNode) ? typeNode : ts.isFunctionTypeNode(typeNode) ? typeNode.parameters[0]?.type : undefined;
    if (!reference || !ts.isTypeReferenceNode(reference) || !isFromTypesPackage(resolveAlias(checker.getSymbolAtLocation(reference.typeName)))) return undefined;
    const signature = checker.getTypeAtLocation(declaration.name).getCallSignatures()[0];
    const param = signature?.getParameters()[0];
    return param ? checker.getTypeOfSymbolAtLocation(param, declaration) : undefined;
  };

  const visit = (sourceFile: ts.SourceFile) => (node: ts.Node): void => {
    const opening = ts.isJsxElement(node) ? node.openingElement : ts.isJsxSelfClosingElement(node) ? node : undefined;
    if (opening) {
      const declaration = forgeDeclaration(opening.tagName);
      if (declaration) {
        const component = opening.tagName.getText(sourceFile);
        const name = declaration.name.getText();
        const line = sourceFile.getLineAndCharacterOfPosition(opening.getStart(sourceFile)).line + 1;
        const file = path.relative(root, sourceFile.fileName);
        const given: string[] = [];
        for (const attribute of opening.attributes.properties) {
          if (ts.isJsxAttribute(attribute)) given.push(attribute.name.getText(sourceFile));
          else for (const prop of checker.getPropertiesOfType(checker.getTypeAtLocation(attribute.expression))) given.push(prop.getName());
        }
        if (ts.isJsxElement(node) && node.children.some((child) => !(ts.isJsxText(child) && child.containsOnlyTriviaWhiteSpaces))) given.push('children');
        const props = given.filter((p) => p !== 'key');
        uses.push({ file, line, component: name, props });
        if (PROPLESS.has(name)) {
          for (const prop of props) problems.push({ file, line, message: `<${component}> takes no props, got "${prop}"` });
        } else {
          const type = definedProps(declaration);
          if (!type) problems.push({ file, line, message: `<${component}> is not a component @atlaskit/forge-react-types defines` });
          else {
            const allowed = propNamesOf(type);
            for (const prop of props) if (!allowed.has(prop)) problems.push({ file, line, message: `<${component}> has no prop "${prop}" in @atlaskit/forge-react-types` });
          }
        }
      }
    }
    ts.forEachChild(node, visit(sourceFile));
  };

  for (const name of rootNames) {
    const sourceFile = program.getSourceFile(name);
    if (sourceFile) visit(sourceFile)(sourceFile);
  }
  return { uses, problems };
};

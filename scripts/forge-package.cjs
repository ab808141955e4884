// Packages the app with the Forge CLI's own pipeline (AppPackager = the CLI's webpack + ts-loader node bundler
// with this tsconfig.json, plus its UI Kit bundler), offline and without login, as `forge deploy` would before
// uploading. Wired as @forge/cli wires it (out/command-line/dependency-injection.js); only the network pieces are
// stubbed: the runtime wrapper normally downloaded at deploy time, and the feature-gate/analytics clients.
//
// The CLI lives in tools/forge-cli (installed with --ignore-scripts: its native keychain binding is not needed
// to package and cannot build offline). Output: .forge-build/runtime/ (the unzipped runtime archive: index.cjs,
// share.cjs and their chunks), .forge-build/ui/<resource>/ and .forge-build/report.json. Exit code 1 with the
// bundler's own error when packaging fails.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CLI_DIR = path.join(ROOT, 'tools', 'forge-cli');
const CLI = path.join(CLI_DIR, 'node_modules');
const OUT = path.join(ROOT, '.forge-build');

const ensureCli = () => {
  const installed = path.join(CLI, '@forge', 'cli', 'package.json');
  const wanted = require(path.join(CLI_DIR, 'package.json')).dependencies['@forge/cli'];
  if (fs.existsSync(installed) && require(installed).version === wanted) return;
  console.log(`Installing @forge/cli ${wanted} into tools/forge-cli (--ignore-scripts)…`);
  execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: CLI_DIR, stdio: 'inherit' });
};

const stubRuntimeWrapper = () => {
  if (process.env.FORGE_RUNTIME_PATH) return;
  const stub = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-runtime-'));
  fs.mkdirSync(path.join(stub, 'dist'));
  for (const file of ['wrapper.js', 'loader.js']) fs.writeFileSync(path.join(stub, 'dist', file), 'module.exports = {};\n');
  process.env.FORGE_RUNTIME_PATH = stub;
};

const copyDir = (from, to) => {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyDir(source, target);
    else fs.copyFileSync(source, target);
  }
};

const sizesOf = (dir) =>
  Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.cjs') || name.endsWith('.js'))
      .map((name) => [name, fs.statSync(path.join(dir, name)).size]),
  );

const main = async () => {
  ensureCli();
  stubRuntimeWrapper();
  process.chdir(ROOT);
  const shared = require(`${CLI}/@forge/cli-shared`);
  const bundler = require(`${CLI}/@forge/bundler`);
  const { RuntimeBundler } = require(`${CLI}/@forge/cli/out/deploy/packager/runtime-bundler`);
  const { AppPackager } = require(`${CLI}/@forge/cli/out/deploy/packager/packager`);
  const { makeArchiver } = require(`${CLI}/@forge/cli/out/deploy/packager/archiver`);
  const AdmZip = require(`${CLI}/adm-zip`);

  const ui = new shared.CommandLineUI(() => true);
  const fileReader = new shared.FileSystemReader();
  const configFile = new shared.ConfigFile(fileReader, new shared.FileSystemWriter());
  const gates = { isTypescriptBundlerEnabled: async () => false, testForgeCliBundleRuntimeLoaderGate: async () => false };
  const wrapperProvider = bundler.getWrapperProvider({ fileSystemReader: fileReader, statsigService: gates });
  const nodeBundler = bundler.getNodeBundler(ui, wrapperProvider, configFile, gates);
  const runtimeBundler = new RuntimeBundler(() => makeArchiver(ui), ui, nodeBundler, fileReader, configFile);
  const packager = new AppPackager(runtimeBundler, new bundler.NativeUIBundler(ui), ui, { reportAppPackaged: async () => {} });
  const resources = await configFile.getResources();
  const config = await configFile.readConfig();
  const started = Date.now();
  let out;
  try {
    out = await packager.package({
      handlers: await configFile.getAppHandlers(),
      resources: resources.filter(shared.shouldBundleResource),
      allResources: resources,
      packageConfig: config.app?.package,
      i18nResourceBundle: undefined,
      i18nConfig: config.translations,
    });
  } catch (error) {
    console.error(`PACKAGE FAILED in ${Date.now() - started} ms`);
    console.error(error?.constructor?.name, error?.message);
    process.exitCode = 1;
    return;
  }
  fs.rmSync(OUT, { recursive: true, force: true });
  const runtimeDir = path.join(OUT, 'runtime');
  new AdmZip(out.runtimeArchivePath).extractAllTo(runtimeDir, true);
  const ui_bundles = {};
  for (const bundle of out.nativeUiBundlesDetails ?? []) {
    const target = path.join(OUT, 'ui', bundle.key);
    copyDir(bundle.path, target);
    ui_bundles[bundle.key] = sizesOf(target);
  }
  const report = { packagedAt: new Date().toISOString(), ms: Date.now() - started, runtime: sizesOf(runtimeDir), ui: ui_bundles };
  fs.writeFileSync(path.join(OUT, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`PACKAGE OK in ${report.ms} ms → .forge-build/ (runtime: ${Object.keys(report.runtime).join(', ')})`);
};

main().catch((error) => {
  console.error('PACKAGE FAILED', error?.stack ?? error);
  process.exitCode = 1;
});

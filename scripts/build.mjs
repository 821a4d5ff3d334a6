// Bundles what ships: the extension and the CLI for Node (CommonJS, `vscode` external), and the
// webview for the browser. `--production` minifies without source maps; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { compileFunction } from 'node:vm';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * Heavy code that activation never needs is bundled apart and required at run time by its first user:
 * `import('./kube/index.js')` in the sources becomes `require('./kube.js')` next to the bundle that
 * asks for it. (`dynamic-import: false` below makes it a require: through Node's ESM loader the same
 * file cost ~400 ms more.) A static import of the same module is still bundled inline.
 * - kube: the Kubernetes adapters with @kubernetes/client-node, megabytes of code; the first deploy.
 * - config: reading .hotfix/config.yaml (yaml, ajv and the JSON Schema, ~265 KB minified); the first
 *   read of the team configuration, after activation.
 * - kube-context: `Switch Kube Context` (it edits the kubeconfig with yaml, so it has its own copy).
 * - gitops-manifests: the GitOps manifests clone (edits manifests with yaml: its own copy too); the first
 *   manifests change prepared, or the check that git says what runs before auto-sync is restored.
 * - forge-github: @octokit/rest (~500 KB); only a finish through pull requests (git.finish: pull-request).
 * - forge-gitlab: @gitbeaker/rest; only a finish through GitLab merge requests (git.finish: pull-request).
 * `vendor`: almost all library code, minified in a development build too (its source map kept): kube.js
 * unminified is 6 MB whose comments' non-ASCII characters make V8 hold it as two-byte text, ~250 ms more
 * on every CLI run that loads it (`npm run try`'s and the tests' build).
 */
const SPLITS = [
  { name: 'kube', entry: 'src/adapters/kube/index.ts', filter: /[/\\]kube[/\\]index(\.js)?$/, vendor: true },
  { name: 'config', entry: 'src/core/config/parse.ts', filter: /[/\\]core[/\\]config[/\\]parse(\.js)?$/ },
  { name: 'kube-context', entry: 'src/adapters/kube/use-context.ts', filter: /[/\\]kube[/\\]use-context(\.js)?$/ },
  { name: 'gitops-manifests', entry: 'src/adapters/gitops/manifests-repo.ts', filter: /[/\\]gitops[/\\]manifests-repo(\.js)?$/ },
  { name: 'forge-github', entry: 'src/adapters/forge/github.ts', filter: /[/\\]forge[/\\]github(\.js)?$/ },
  { name: 'forge-gitlab', entry: 'src/adapters/forge/gitlab.ts', filter: /[/\\]forge[/\\]gitlab(\.js)?$/ },
];

/**
 * The CLI twin loads only the verb it runs. dist/cli.js (src/cli/launcher.ts) requires dist/cli-main.js:
 * commander and every verb's options, all that `--help` and `--version` need. Each verb's work is
 * `await import('./x-verbs.js')` in src/cli/*-commands.ts; it becomes `require('./cli-x-verbs.js')`, a
 * bundle of that file (src/cli/*-verb.ts and *-verbs.ts) with what it imports, loaded when the verb runs.
 */
const CLI_VERBS = readdirSync('src/cli').filter((file) => /-verbs?\.ts$/.test(file)).map((file) => file.slice(0, -'.ts'.length));
const verbsApart = {
  name: 'verbs-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/[\w-]+-verbs?(\.js)?$/ }, (args) => {
      const verb = path.basename(args.path, '.js');
      const fromCli = path.resolve(args.resolveDir) === path.resolve('src/cli');
      return args.kind === 'dynamic-import' && fromCli && CLI_VERBS.includes(verb) ? { path: `./cli-${verb}.js`, external: true } : undefined;
    });
  },
};

const splitApart = {
  name: 'split-apart',
  setup(build) {
    for (const split of SPLITS) {
      build.onResolve({ filter: split.filter }, (args) =>
        args.kind === 'dynamic-import' ? { path: `./${split.name}.js`, external: true } : undefined);
    }
  },
};

/**
 * The config schema's validator as ajv generates it, written into the bundles at build time: reading
 * .hotfix/config.yaml then costs no ~200 ms of ajv code generation on a CLI run or in the extension. The
 * options and the schema stay in one place, src/core/config/schema-validator.ts: it is bundled and run
 * here for its schemaValidatorSource(), and its compileSchemaValidator() becomes that code in the bundles.
 */
async function schemaValidatorSource() {
  const { outputFiles } = await esbuild.build({ entryPoints: ['src/core/config/schema-validator.ts'], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const module = { exports: {} };
  compileFunction(outputFiles[0]?.text ?? '', ['module', 'exports', 'require'])(module, module.exports, createRequire(import.meta.url));
  return module.exports.schemaValidatorSource();
}
/** One generation for a whole build; each rebuild in --watch makes its own (the schema may have changed). */
let generated;
const precompiledSchema = {
  name: 'precompiled-schema',
  setup(build) {
    let source = '';
    build.onStart(async () => {
      source = await (watch ? schemaValidatorSource() : (generated ??= schemaValidatorSource()));
    });
    build.onLoad({ filter: /[/\\]core[/\\]config[/\\]schema-validator\.ts$/ }, () => ({
      contents: "import validate from 'precompiled:config-validator';\nexport function compileSchemaValidator() { return validate; }\n",
      loader: 'js',
    }));
    build.onResolve({ filter: /^precompiled:config-validator$/ }, () => ({ path: 'config-validator', namespace: 'precompiled' }));
    // Its requires (ajv's runtime helpers) resolve from the project's node_modules.
    build.onLoad({ filter: /.*/, namespace: 'precompiled' }, () => ({ contents: source, loader: 'js', resolveDir: import.meta.dirname }));
  },
};

/**
 * Dependencies of @kubernetes/client-node that a run never or rarely uses, kept out of dist/kube.js's
 * start-up (~300 KB, and 30-40 ms of module initialization on a cold run):
 * - whatwg-url, with tr46's mapping table: node-fetch 2 falls back to it only where Node has no URL
 *   (`Url.URL || whatwgUrl.URL`), and Node always has one;
 * - socks-proxy-agent, with socks and ip-address: used only for a cluster whose proxy-url is socks://,
 *   so it is required when the first such agent is made;
 * - tar-fs, with tar-stream: only client-node's Cp (kubectl cp), never called here; required on first use;
 * - client-node's generated API and models (1.2 MB): the adapters speak JSON over HTTPS themselves
 *   (src/adapters/kube/rest.ts) and import KubeConfig from its own module, whose only use of the
 *   generated code is makeApiClient; that says so if anything ever calls it.
 */
const leanClientNode = {
  name: 'lean-client-node',
  setup(build) {
    // The real module is then required from where client-node asked for it (its own copy, if it has one).
    build.onResolve({ filter: /^(whatwg-url|socks-proxy-agent|tar-fs)$/ }, (args) => (args.namespace === 'lean' ? undefined : { path: args.path, namespace: 'lean', pluginData: args.resolveDir }));
    build.onLoad({ filter: /^tar-fs$/, namespace: 'lean' }, (args) => ({
      contents: "module.exports = {\n  extract: (...args) => require('tar-fs').extract(...args),\n  pack: (...args) => require('tar-fs').pack(...args),\n};\n",
      loader: 'js',
      resolveDir: args.pluginData,
    }));
    build.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) =>
      /[/\\]@kubernetes[/\\]client-node[/\\]dist[/\\]config\.js$/.test(args.importer) ? { path: 'client-node-gen', namespace: 'lean' } : undefined,
    );
    build.onLoad({ filter: /^client-node-gen$/, namespace: 'lean' }, () => ({
      contents:
        "const absent = () => { throw new Error('KubeConfig.makeApiClient: client-node\\'s generated API is not in this bundle; use KubeRest (src/adapters/kube/rest.ts)'); };\n" +
        'export const createConfiguration = absent;\nexport class ServerConfiguration { constructor() { absent(); } }\n',
      loader: 'js',
    }));
    build.onLoad({ filter: /^whatwg-url$/, namespace: 'lean' }, () => ({ contents: 'module.exports = { URL };\n', loader: 'js' }));
    build.onLoad({ filter: /^socks-proxy-agent$/, namespace: 'lean' }, (args) => ({
      contents: "export class SocksProxyAgent {\n  constructor(...args) {\n    const { SocksProxyAgent } = require('socks-proxy-agent');\n    return new SocksProxyAgent(...args);\n  }\n}\n",
      loader: 'js',
      resolveDir: args.pluginData,
    }));
  },
};

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [splitApart, precompiledSchema],
    supported: { 'dynamic-import': false },
  },
  ...SPLITS.map((split) => ({
    ...common,
    ...(split.vendor ? { minify: true } : {}),
    entryPoints: { [split.name]: split.entry },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [leanClientNode, precompiledSchema],
  })),
  // The CLI: the executable, its command tree, and each verb's work apart (CLI_VERBS).
  {
    ...common,
    entryPoints: { cli: 'src/cli/launcher.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { 'cli-main': 'src/cli/main.ts', ...Object.fromEntries(CLI_VERBS.map((verb) => [`cli-${verb}`, `src/cli/${verb}.ts`])) },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [verbsApart, splitApart, precompiledSchema],
    supported: { 'dynamic-import': false },
  },
  {
    ...common,
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

rmSync('dist', { recursive: true, force: true });
if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('[build] watching');
} else {
  const t0 = Date.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  chmodSync('dist/cli.js', 0o755);
  console.log(`[build] dist/ ${production ? '(production) ' : ''}in ${Date.now() - t0} ms`);
}

// Lint for the whole project. Type-aware rules (no-floating-promises) use the TypeScript projects.
// The layer rules at the end make the build enforce the arrows of ARCHITECTURE.md ("Layers"):
// core imports only core and its libraries; app imports no vscode and no front end; adapters import
// no app; the webview imports only src/shared. test/unit/layers.test.ts lints snippets with them.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------
// Layers. Specifiers are matched as written (no resolution), so a relative import "reaches" a
// layer when it climbs at least once ('..') and then names the layer's folder, at any depth:
// '../adapters/x', '../../adapters/x', './../app', '../../../src/cli/y'. Imports that stay inside
// the importer's own folder ('./x', '../deploy/x' from src/core/hotfix) are never matched, so no
// layer forbids its own files. (No layer has a subfolder named like another layer.)
// Patterns are case-insensitive (the rule's default for `regex`).
const climbsInto = (...folders) => `^(?:\\.{1,2}/)*\\.\\./(?:src/)?(?:${folders.join('|')})(?:/|$)`;
// From webview/: anything under src/ except src/shared, or a layer folder named directly.
const webviewOutside = '^(?:\\.{1,2}/)*\\.\\./(?:src/(?!shared(?:/|$))|src/?$|(?:core|adapters|app|cli|extension)(?:/|$))';
// Process, file and network I/O: the engine declares a port for these instead.
const nodeIo = '^(?:node:)?(?:fs|child_process|net|http|https|http2|tls|dgram|dns)(?:/.*)?$';

const coreMay = 'src/core may import only src/core and pure libraries (yaml, semver, ajv, node:crypto, ...)';
const appMay = 'src/app may import src/core, src/adapters, src/shared and libraries';
const adaptersMay = 'src/adapters may import src/core (the ports it implements), src/shared and libraries';
const cliMay = 'src/cli may import src/app, src/core, src/shared and libraries (src/adapters only in its composition roots, main.ts and compose.ts)';
const extensionMay = 'src/extension may import vscode, src/app, src/core, src/shared and libraries (src/adapters only in its composition roots, extension.ts and compose.ts)';
// The composition roots: the one place each front end builds the environment from the adapters.
const CLI_ROOTS = ['src/cli/main.ts', 'src/cli/compose.ts'];
const EXTENSION_ROOTS = ['src/extension/extension.ts', 'src/extension/compose.ts'];
const throughApp = 'Call the operation in src/app (or add one there); only the composition roots (compose.ts) wire adapters.';
const sharedMay = 'src/shared (the typed protocol, also bundled into the browser webview) may import only src/shared and browser-safe libraries';
const webviewMay = 'webview/ runs in the browser and may import only its own files, browser libraries and src/shared';

/**
 * One layer: the files it covers, the specifiers it may not import (`vscode` by name, the rest as
 * regular expressions), each with the message naming what the layer may import and where the code
 * belongs instead.
 */
const layers = [
  {
    name: 'core',
    files: ['src/core/**/*.ts'],
    vscode: `${coreMay}, never vscode. Editor code belongs in src/extension; the engine asks the person through the Interaction port (src/core/**/ports.ts).`,
    patterns: [
      { regex: nodeIo, message: `${coreMay}: no file, process or network I/O. Declare a port in src/core/**/ports.ts and implement it in src/adapters.` },
      { regex: climbsInto('adapters', 'app', 'cli', 'extension', 'shared', 'webview'), message: `${coreMay}, never src/adapters, src/app, src/cli, src/extension, src/shared or webview. Keep the decision in core and let src/app call it; I/O goes behind a port in src/core/**/ports.ts, implemented in src/adapters.` },
    ],
  },
  {
    name: 'app',
    files: ['src/app/**/*.ts'],
    vscode: `${appMay}, never vscode: one operation serves the CLI and the extension alike. Ask the person through the Interaction port; VS Code code belongs in src/extension.`,
    patterns: [
      { regex: climbsInto('cli', 'extension', 'webview'), message: `${appMay}, never a front end (src/cli, src/extension, webview). Logic both front ends need belongs in src/app or src/core; rendering (flags, exit codes, buttons, panels) stays in the front end.` },
    ],
  },
  {
    name: 'adapters',
    files: ['src/adapters/**/*.ts'],
    vscode: `${adaptersMay}, never vscode. VS Code-specific implementations of a port belong in src/extension.`,
    patterns: [
      { regex: climbsInto('app', 'cli', 'extension', 'webview'), message: `${adaptersMay}, never src/app, src/cli, src/extension or webview. Adapters only translate a port call; policy, audit records and notifications belong in src/app, rendering in the front ends.` },
    ],
  },
  {
    name: 'cli',
    files: ['src/cli/**/*.ts'],
    ignores: CLI_ROOTS,
    vscode: `${cliMay}, never vscode: it runs in terminals and CI without an editor. Editor code belongs in src/extension; shared logic in src/app.`,
    patterns: [
      { regex: climbsInto('extension', 'webview'), message: `${cliMay}, never src/extension or webview. Logic both front ends need belongs in src/app (operations) or src/core (decisions).` },
      { regex: climbsInto('adapters'), message: `${cliMay}. ${throughApp}` },
    ],
  },
  {
    name: 'cli-roots',
    files: CLI_ROOTS,
    vscode: `${cliMay}, never vscode: it runs in terminals and CI without an editor.`,
    patterns: [
      { regex: climbsInto('extension', 'webview'), message: `${cliMay}, never src/extension or webview.` },
    ],
  },
  {
    name: 'extension',
    files: ['src/extension/**/*.ts'],
    ignores: EXTENSION_ROOTS,
    patterns: [
      { regex: climbsInto('cli', 'webview'), message: `${extensionMay}, never src/cli or webview. Logic both front ends need belongs in src/app (operations) or src/core (decisions); the panel talks to webview/ only through src/shared/protocol.ts.` },
      { regex: climbsInto('adapters'), message: `${extensionMay}. ${throughApp}` },
    ],
  },
  {
    name: 'extension-roots',
    files: EXTENSION_ROOTS,
    patterns: [
      { regex: climbsInto('cli', 'webview'), message: `${extensionMay}, never src/cli or webview.` },
    ],
  },
  {
    name: 'shared',
    files: ['src/shared/**/*.ts'],
    vscode: `${sharedMay}, never vscode. Editor code belongs in src/extension.`,
    patterns: [
      { regex: climbsInto('core', 'adapters', 'app', 'cli', 'extension', 'webview'), message: `${sharedMay}, never src/core, src/adapters, src/app, src/cli, src/extension or webview. Move the plain type into src/shared, or keep the code in its own layer.` },
    ],
  },
  {
    name: 'webview',
    files: ['webview/**/*.ts'],
    vscode: `${webviewMay}, never vscode. Talk to the extension with acquireVsCodeApi().postMessage and the types of src/shared/protocol.ts.`,
    patterns: [
      { regex: webviewOutside, message: `${webviewMay} (the typed protocol), never src/core, src/adapters, src/app, src/cli or src/extension. That code runs in the extension host: compute there and send the result over src/shared/protocol.ts.` },
    ],
  },
];

// The same restrictions for dynamic `import('x')`, `require('x')` and type `import('x').T`, which
// no-restricted-imports does not see (the CLI loads its verbs lazily with `await import(...)`).
const selectorRegex = (source) => new RegExp(source, 'i').toString();
const dynamicImportOf = (source) => {
  const re = selectorRegex(source);
  return `:matches(ImportExpression[source.value=${re}], TSImportType[source.value=${re}], CallExpression[callee.type='Identifier'][callee.name='require'][arguments.0.value=${re}])`;
};

/** The layer blocks, exported so test/unit/layers.test.ts lints with exactly these rules. */
export const layerRules = layers.map(({ name, files, ignores, vscode, patterns }) => {
  const restricted = vscode ? [{ regex: '^vscode$', message: vscode }, ...patterns] : patterns;
  return {
    name: `hotfix/layers/${name}`,
    files,
    ...(ignores ? { ignores } : {}),
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        ...(vscode ? { paths: [{ name: 'vscode', message: vscode }] } : {}),
        patterns: patterns.map(({ regex, message }) => ({ regex, message })),
      }],
      'no-restricted-syntax': ['error', ...restricted.map(({ regex, message }) => ({ selector: dynamicImportOf(regex), message }))],
    },
  };
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', '.vscode-test/**', '*.vsix'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: false, project: './tsconfig.webview.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: globals.node, sourceType: 'module' },
  },
  // Last, so no later block can loosen them (layers.test.ts checks the effective config per layer).
  ...layerRules,
);

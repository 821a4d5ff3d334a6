// The layer arrows of ARCHITECTURE.md ("Layers") are enforced by the lint tier: eslint.config.mjs
// exports its layer blocks as `layerRules`. These tests lint small snippets with exactly those blocks
// (without type information, so the snippets need not exist on disk and it stays fast), with a file
// path inside each layer, and check that the build's full config applies the same blocks unchanged.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const IMPORTS = '@typescript-eslint/no-restricted-imports';
const SYNTAX = 'no-restricted-syntax';
const LAYER_RULES = [IMPORTS, SYNTAX];

interface Violation {
  file: string;
  code: string;
  rule: typeof IMPORTS | typeof SYNTAX;
}

/** Static imports are no-restricted-imports'; `import()`, `require()` and type `import()` are no-restricted-syntax's. */
const violations: Record<string, Violation[]> = {
  // 1. core: only core and its libraries.
  'src/core': [
    { file: 'src/core/deploy/__violation__.ts', code: "import * as fs from 'node:fs';\nexport const x = fs;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import * as fs from 'fs';\nexport const x = fs;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import { readFile } from 'node:fs/promises';\nexport const x = readFile;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import { readFile } from 'fs/promises';\nexport const x = readFile;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import { spawn } from 'node:child_process';\nexport const x = spawn;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import { exec } from 'child_process';\nexport const x = exec;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import { connect } from 'node:net';\nexport const x = connect;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import { createServer } from 'net';\nexport const x = createServer;", rule: IMPORTS },
    { file: 'src/core/verify/__violation__.ts', code: "import { request } from 'node:http';\nexport const x = request;", rule: IMPORTS },
    { file: 'src/core/verify/__violation__.ts', code: "import { request } from 'node:https';\nexport const x = request;", rule: IMPORTS },
    { file: 'src/core/verify/__violation__.ts', code: "import * as http from 'http';\nexport const x = http;", rule: IMPORTS },
    { file: 'src/core/verify/__violation__.ts', code: "import * as https from 'https';\nexport const x = https;", rule: IMPORTS },
    { file: 'src/core/__violation__.ts', code: "import * as vscode from 'vscode';\nexport const x = vscode;", rule: IMPORTS },
    { file: 'src/core/__violation__.ts', code: "import type { Uri } from 'vscode';\nexport type X = Uri;", rule: IMPORTS },
    { file: 'src/core/__violation__.ts', code: "import { openWorkspace } from '../adapters/workspace';\nexport const x = openWorkspace;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import { openWorkspace } from '../../adapters/workspace';\nexport const x = openWorkspace;", rule: IMPORTS },
    { file: 'src/core/deploy/rollout/__violation__.ts', code: "import { Cluster } from '../../../adapters/kube/cluster';\nexport const x = Cluster;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import { deploy } from '../../app/deploy';\nexport const x = deploy;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import { program } from '../../cli/program';\nexport const x = program;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import { activate } from '../../extension/extension';\nexport const x = activate;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "export * from '../../app/deploy';", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "export { deploy } from '../../app/deploy';", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "import fs = require('node:fs');\nexport const x = fs;", rule: IMPORTS },
    { file: 'src/core/deploy/__violation__.ts', code: "export const load = () => import('../../adapters/kube/cluster.js');", rule: SYNTAX },
    { file: 'src/core/deploy/__violation__.ts', code: "export const load = () => import('node:fs/promises');", rule: SYNTAX },
    { file: 'src/core/deploy/__violation__.ts', code: "export const cp: unknown = require('node:child_process');", rule: SYNTAX },
    { file: 'src/core/deploy/__violation__.ts', code: "export type U = import('vscode').Uri;", rule: SYNTAX },
  ],
  // 2. app: no vscode, no front end.
  'src/app': [
    { file: 'src/app/__violation__.ts', code: "import * as vscode from 'vscode';\nexport const x = vscode;", rule: IMPORTS },
    { file: 'src/app/__violation__.ts', code: "import { program } from '../cli/program';\nexport const x = program;", rule: IMPORTS },
    { file: 'src/app/deploy/__violation__.ts', code: "import { program } from '../../cli/program';\nexport const x = program;", rule: IMPORTS },
    { file: 'src/app/__violation__.ts', code: "import { activate } from '../extension/extension';\nexport const x = activate;", rule: IMPORTS },
    { file: 'src/app/deploy/__violation__.ts', code: "import { activate } from '../../extension/extension';\nexport const x = activate;", rule: IMPORTS },
    { file: 'src/app/__violation__.ts', code: "export const load = () => import('../cli/deploy-verbs.js');", rule: SYNTAX },
  ],
  // 3. adapters: no app, no front end, no vscode.
  'src/adapters': [
    { file: 'src/adapters/__violation__.ts', code: "import { deploy } from '../app/deploy';\nexport const x = deploy;", rule: IMPORTS },
    { file: 'src/adapters/kube/__violation__.ts', code: "import { deploy } from '../../app/deploy';\nexport const x = deploy;", rule: IMPORTS },
    { file: 'src/adapters/__violation__.ts', code: "import { program } from '../cli/program';\nexport const x = program;", rule: IMPORTS },
    { file: 'src/adapters/kube/__violation__.ts', code: "import { activate } from '../../extension/extension';\nexport const x = activate;", rule: IMPORTS },
    { file: 'src/adapters/__violation__.ts', code: "import * as vscode from 'vscode';\nexport const x = vscode;", rule: IMPORTS },
    { file: 'src/adapters/kube/__violation__.ts', code: "export const load = () => import('../../app/gitops-restore.js');", rule: SYNTAX },
  ],
  // 4. webview: only src/shared (and its own files and libraries). The webview tsconfig compiles
  // whatever webview/ imports, so this rule is what keeps src/core out of the browser bundle.
  webview: [
    { file: 'webview/__violation__.ts', code: "import { planRollout } from '../src/core/deploy/rollout';\nexport const x = planRollout;", rule: IMPORTS },
    { file: 'webview/canary/__violation__.ts', code: "import { planRollout } from '../../src/core/deploy/rollout';\nexport const x = planRollout;", rule: IMPORTS },
    { file: 'webview/__violation__.ts', code: "import { openWorkspace } from '../src/adapters/workspace';\nexport const x = openWorkspace;", rule: IMPORTS },
    { file: 'webview/canary/__violation__.ts', code: "import { openWorkspace } from '../../src/adapters/workspace';\nexport const x = openWorkspace;", rule: IMPORTS },
    { file: 'webview/__violation__.ts', code: "import { deploy } from '../src/app/deploy';\nexport const x = deploy;", rule: IMPORTS },
    { file: 'webview/__violation__.ts', code: "import { program } from '../src/cli/program';\nexport const x = program;", rule: IMPORTS },
    { file: 'webview/__violation__.ts', code: "import { activate } from '../src/extension/extension';\nexport const x = activate;", rule: IMPORTS },
    { file: 'webview/__violation__.ts', code: "import type { PanelState } from '../src/extension/panel/state';\nexport type X = PanelState;", rule: IMPORTS },
    { file: 'webview/__violation__.ts', code: "import * as vscode from 'vscode';\nexport const x = vscode;", rule: IMPORTS },
    { file: 'webview/__violation__.ts', code: "export const load = () => import('../src/core/deploy/rollout');", rule: SYNTAX },
  ],
  // 5. shared: nothing from the other layers.
  'src/shared': [
    { file: 'src/shared/__violation__.ts', code: "import type { Severity } from '../core/severity';\nexport type X = Severity;", rule: IMPORTS },
    { file: 'src/shared/panel/__violation__.ts', code: "import type { Severity } from '../../core/severity';\nexport type X = Severity;", rule: IMPORTS },
    { file: 'src/shared/__violation__.ts', code: "import { openWorkspace } from '../adapters/workspace';\nexport const x = openWorkspace;", rule: IMPORTS },
    { file: 'src/shared/panel/__violation__.ts', code: "import { openWorkspace } from '../../adapters/workspace';\nexport const x = openWorkspace;", rule: IMPORTS },
    { file: 'src/shared/__violation__.ts', code: "import { deploy } from '../app/deploy';\nexport const x = deploy;", rule: IMPORTS },
    { file: 'src/shared/__violation__.ts', code: "import { program } from '../cli/program';\nexport const x = program;", rule: IMPORTS },
    { file: 'src/shared/__violation__.ts', code: "import { activate } from '../extension/extension';\nexport const x = activate;", rule: IMPORTS },
    { file: 'src/shared/__violation__.ts', code: "import { render } from '../../webview/main';\nexport const x = render;", rule: IMPORTS },
    { file: 'src/shared/__violation__.ts', code: "import * as vscode from 'vscode';\nexport const x = vscode;", rule: IMPORTS },
  ],
  // 6. cli: no vscode, no extension; extension: no cli.
  'src/cli': [
    { file: 'src/cli/__violation__.ts', code: "import * as vscode from 'vscode';\nexport const x = vscode;", rule: IMPORTS },
    { file: 'src/cli/__violation__.ts', code: "import { activate } from '../extension/extension';\nexport const x = activate;", rule: IMPORTS },
    { file: 'src/cli/verbs/__violation__.ts', code: "import { activate } from '../../extension/extension';\nexport const x = activate;", rule: IMPORTS },
    { file: 'src/cli/__violation__.ts', code: "export const load = () => import('../extension/commands.js');", rule: SYNTAX },
    // Adapters only in the composition roots (main.ts, compose.ts): a verb calls an operation in src/app.
    { file: 'src/cli/__violation__.ts', code: "import { openWorkspace } from '../adapters/workspace';\nexport const x = openWorkspace;", rule: IMPORTS },
    { file: 'src/cli/verbs/__violation__.ts', code: "import type { OpenDeploy } from '../../adapters/deploy-workspace';\nexport type X = OpenDeploy;", rule: IMPORTS },
    { file: 'src/cli/deploy-verbs.ts', code: "export const load = () => import('../adapters/deploy-workspace.js');", rule: SYNTAX },
  ],
  'src/extension': [
    { file: 'src/extension/__violation__.ts', code: "import { program } from '../cli/program';\nexport const x = program;", rule: IMPORTS },
    { file: 'src/extension/deploy/__violation__.ts', code: "import { program } from '../../cli/program';\nexport const x = program;", rule: IMPORTS },
    { file: 'src/extension/deploy/__violation__.ts', code: "import { EXIT } from '../../cli/exit-codes';\nexport const x = EXIT;", rule: IMPORTS },
    { file: 'src/extension/deploy/__violation__.ts', code: "export const load = () => import('../../cli/deploy-verbs.js');", rule: SYNTAX },
    // Adapters only in the composition roots (extension.ts, compose.ts): a command calls an operation in src/app.
    { file: 'src/extension/deploy/__violation__.ts', code: "import { openWorkspace } from '../../adapters/workspace';\nexport const x = openWorkspace;", rule: IMPORTS },
    { file: 'src/extension/__violation__.ts', code: "export const load = () => import('../adapters/git/discovery.js');", rule: SYNTAX },
  ],
};

/** What each layer may import: none of these may trip a layer rule. */
const allowed: Record<string, { file: string; code: string }[]> = {
  'src/core': [{
    file: 'src/core/deploy/__allowed__.ts',
    code: [
      "import { hotfixBranchName } from '../hotfix/naming';",
      "import { step } from './rollout';",
      "import type { Clock } from '../../core/ports';",
      "import { parse } from 'yaml';",
      "import semver from 'semver';",
      "import { createHash } from 'node:crypto';",
      "export const load = () => import('../verify/gates.js');",
      'export type C = Clock;',
      'export const x = [hotfixBranchName, step, parse, semver, createHash];',
    ].join('\n'),
  }, {
    file: 'src/core/__allowed__.ts',
    code: "import { ok } from './result';\nimport { plan } from './deploy/rollout';\nexport const x = [ok, plan];",
  }],
  'src/app': [{
    file: 'src/app/deploy/__allowed__.ts',
    code: [
      "import { planRollout } from '../../core/deploy/rollout';",
      "import { openWorkspace } from '../../adapters/workspace';",
      "import { ids } from '../../shared/ids';",
      "import { running } from '../running';",
      "import * as path from 'node:path';",
      "export const load = () => import('../../adapters/gitops/manifests-repo.js');",
      'export const x = [planRollout, openWorkspace, ids, running, path];',
    ].join('\n'),
  }, {
    file: 'src/app/__allowed__.ts',
    code: "import { planRollout } from '../core/deploy/rollout';\nimport { openWorkspace } from '../adapters/workspace';\nexport const x = [planRollout, openWorkspace];",
  }],
  'src/adapters': [{
    file: 'src/adapters/kube/__allowed__.ts',
    code: [
      "import type { Cluster } from '../../core/ports';",
      "import { KubeConfig } from '@kubernetes/client-node';",
      "import { readFile } from 'node:fs/promises';",
      "import { spawn } from 'node:child_process';",
      "import { simpleGit } from 'simple-git';",
      "import { store } from '../store/file-store';",
      'export type C = Cluster;',
      'export const x = [KubeConfig, readFile, spawn, simpleGit, store];',
    ].join('\n'),
  }, {
    file: 'src/adapters/__allowed__.ts',
    code: "import { planRollout } from '../core/deploy/rollout';\nexport const x = planRollout;",
  }],
  webview: [{
    file: 'webview/__allowed__.ts',
    code: [
      "import type { PanelState } from '../src/shared/protocol';",
      "import { el } from './dom';",
      "import '@vscode-elements/elements/dist/vscode-button/index.js';",
      'export type P = PanelState;',
      'export const x = el;',
    ].join('\n'),
  }, {
    file: 'webview/canary/__allowed__.ts',
    code: "import type { CanaryView } from '../../src/shared/protocol';\nimport { el } from '../dom';\nexport type C = CanaryView;\nexport const x = el;",
  }],
  'src/shared': [{
    file: 'src/shared/__allowed__.ts',
    code: "import { PROTOCOL_VERSION } from './protocol';\nimport { ids } from './ids';\nexport const x = [PROTOCOL_VERSION, ids];",
  }],
  'src/cli': [{
    file: 'src/cli/__allowed__.ts',
    code: [
      "import { Command } from 'commander';",
      "import { deploy } from '../app/deploy';",
      "import { planRollout } from '../core/deploy/rollout';",
      "import { ids } from '../shared/ids';",
      "import { EXIT } from './exit-codes';",
      "export const load = () => import('./deploy-verbs.js');",
      'export const x = [Command, deploy, planRollout, ids, EXIT];',
    ].join('\n'),
  }, {
    // The composition roots wire the adapters.
    file: 'src/cli/compose.ts',
    code: "import { openWorkspace } from '../adapters/workspace';\nexport const load = () => import('../adapters/deploy-workspace.js');\nexport const x = openWorkspace;",
  }],
  'src/extension': [{
    file: 'src/extension/deploy/__allowed__.ts',
    code: [
      "import * as vscode from 'vscode';",
      "import { deploy } from '../../app/deploy';",
      "import { planRollout } from '../../core/deploy/rollout';",
      "import type { PanelState } from '../../shared/protocol';",
      "import { ui } from '../ui';",
      'export type P = PanelState;',
      'export const x = [vscode, deploy, planRollout, ui];',
    ].join('\n'),
  }, {
    // The composition roots wire the adapters.
    file: 'src/extension/compose.ts',
    code: "import { secretRedactor } from '../adapters/notify/secret-env';\nexport const x = secretRedactor;",
  }],
};

/** The message of every layer names what the layer may import. */
const mayImport: Record<string, RegExp> = {
  'src/core': /src\/core may import only src\/core/,
  'src/app': /src\/app may import /,
  'src/adapters': /src\/adapters may import /,
  webview: /webview\/ runs in the browser and may import only/,
  'src/shared': /src\/shared .* may import only src\/shared/,
  'src/cli': /src\/cli may import /,
  'src/extension': /src\/extension may import /,
};

describe('layer rules (eslint.config.mjs)', function () {
  this.timeout(30_000);
  let layerRules: Linter.Config[];
  let layersOnly: ESLint;
  let build: ESLint;

  before(async () => {
    // A variable specifier keeps TypeScript from looking for types of the .mjs and keeps the ESM import dynamic.
    const configUrl = pathToFileURL(path.join(repoRoot, 'eslint.config.mjs')).href;
    ({ layerRules } = (await import(configUrl)) as { layerRules: Linter.Config[] });
    layersOnly = new ESLint({
      cwd: repoRoot,
      overrideConfigFile: true,
      overrideConfig: [
        // The parser without a project: the snippets are not on disk and the layer rules need no types.
        { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { '@typescript-eslint': tseslint.plugin as unknown as ESLint.Plugin } },
        ...layerRules,
      ],
    });
    build = new ESLint({ cwd: repoRoot });
  });

  async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
    const [result] = await layersOnly.lintText(code, { filePath: path.join(repoRoot, file) });
    assert.ok(result, file);
    const fatal = result.messages.filter((m) => m.fatal === true);
    assert.deepEqual(fatal, [], `${file} did not parse: ${fatal.map((m) => m.message).join('; ')}`);
    return result.messages;
  }

  for (const [layer, cases] of Object.entries(violations)) {
    describe(layer, () => {
      for (const { file, code, rule } of cases) {
        const firstLine = code.split('\n')[0] ?? code;
        it(`refuses ${firstLine} in ${file}`, async () => {
          const messages = await lint(file, code);
          assert.equal(messages.length, 1, `${file}: expected one ${rule} error for ${JSON.stringify(code)}, got ${JSON.stringify(messages, null, 1)}`);
          const [message] = messages;
          assert.equal(message?.ruleId, rule);
          assert.equal(message?.severity, 2);
          assert.match(message?.message ?? '', mayImport[layer] ?? /$^/);
        });
      }

      for (const { file, code } of allowed[layer] ?? []) {
        it(`allows what ${layer} may import (${file})`, async () => {
          const messages = await lint(file, code);
          assert.deepEqual(messages.filter((m) => LAYER_RULES.includes(m.ruleId ?? '')), [], file);
        });
      }
    });
  }

  it('has a violation and an allowed case for every layer', () => {
    assert.deepEqual(Object.keys(allowed).sort(), Object.keys(violations).sort());
  });

  it('gives every folder under src/ a layer block', () => {
    const folders = readdirSync(path.join(repoRoot, 'src'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/${d.name}`);
    const covered = layerRules.flatMap((block) => block.files ?? []).map(String);
    for (const folder of folders) {
      assert.ok(covered.includes(`${folder}/**/*.ts`), `${folder} has no layer block in eslint.config.mjs`);
    }
  });

  // The build (eslint . with eslint.config.mjs) must apply these same rules, unloosened by any later block.
  for (const layer of Object.keys(violations)) {
    it(`the build applies the ${layer} layer rules`, async () => {
      const file = path.join(repoRoot, layer, 'deploy', '__violation__.ts');
      const effective = (await build.calculateConfigForFile(file)) as Linter.Config;
      const block = layerRules.find((b) => (b.files ?? []).map(String).includes(`${layer}/**/*.ts`));
      assert.ok(block, `no layer block for ${layer}`);
      for (const rule of LAYER_RULES) {
        const built: Linter.RuleEntry | undefined = effective.rules?.[rule];
        const own: Linter.RuleEntry | undefined = block.rules?.[rule];
        assert.ok(Array.isArray(built) && Array.isArray(own), `${layer}: ${rule} is not configured`);
        assert.ok(built[0] === 2 || built[0] === 'error', `${layer}: ${rule} is not an error in the build`);
        assert.deepEqual(built.slice(1), own.slice(1), `${layer}: the build's ${rule} options differ from layerRules`);
      }
    });
  }
});

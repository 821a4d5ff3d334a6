// Hotfix: Set Up Repository… in a real extension host, with its options object: it never replaces an
// existing .hotfix/config.yaml unless told to, and what it writes is a configuration the engine reads.
// The workspace's file is put back as it was after this file.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseConfig } from '../../src/core/config/parse';
import type { SetUpOutcome } from '../../src/extension/init-command';
import { extension } from './manifest';

describe('extension host: Set Up Repository…', () => {
  const workspace = process.env['HOTFIX_TEST_WORKSPACE'] ?? '';
  const configFile = path.join(workspace, '.hotfix', 'config.yaml');
  const ours = '# the team wrote this\ngit: { model: gitflow }\n';
  let original: string | undefined;
  const setUp = (args: object) => vscode.commands.executeCommand<SetUpOutcome>('hotfixDeployer.setUpRepository', { root: workspace, ...args });

  before(async () => {
    assert.ok(workspace, 'the launcher names the workspace repository');
    await extension().activate();
    await extension().exports.repositories();
    original = existsSync(configFile) ? readFileSync(configFile, 'utf8') : undefined;
    if (original === undefined) {
      mkdirSync(path.dirname(configFile), { recursive: true });
      writeFileSync(configFile, ours);
    }
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (original === undefined) rmSync(configFile, { force: true });
    else writeFileSync(configFile, original);
  });

  it('refuses to replace an existing file without an Overwrite: ok false, the file unchanged', async () => {
    const before = readFileSync(configFile, 'utf8');
    const outcome = await setUp({ skipCluster: true, overwrite: false });
    assert.deepEqual(outcome, { ok: false, reason: 'exists', path: configFile });
    assert.equal(readFileSync(configFile, 'utf8'), before);
  });

  it('with overwrite and no cluster: writes a commented file that parses, and opens it in an editor', async () => {
    const outcome = await setUp({ skipCluster: true, overwrite: true });
    assert.deepEqual(outcome, { ok: true, path: configFile });
    const text = readFileSync(configFile, 'utf8');
    const parsed = parseConfig(text, '.hotfix/config.yaml');
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    assert.deepEqual(parsed.value.git, { model: 'gitflow', productionBranch: 'production', developBranch: 'develop', tagPrefix: 'v', remote: 'origin' });
    assert.match(text, /# gitflow \(a develop branch exists\)/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, configFile);
  });
});

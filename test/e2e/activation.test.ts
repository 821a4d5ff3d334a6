import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import * as vscode from 'vscode';
import { extension, manifest } from './manifest';

describe('extension host: activation and contributions', () => {
  before(async () => {
    await extension().activate();
  });

  it('activates in a real extension host', () => {
    assert.equal(extension().isActive, true);
  });

  it('registers every command of the manifest, and contributes every command it registers', async () => {
    const registered = new Set((await vscode.commands.getCommands(true)).filter((id) => id.startsWith('hotfixDeployer.')));
    const contributed = new Set(manifest().contributes.commands.map((c) => c.command));
    // VS Code adds `<view>.focus`, `<view>.resetViewLocation`, ... for each view: those are not ours to declare.
    const viewIds = Object.values(manifest().contributes.views).flat().map((v) => v.id);
    const ours = [...registered].filter((id) => !viewIds.some((view) => id.startsWith(`${view}.`)));
    assert.deepEqual([...contributed].filter((id) => !registered.has(id)), [], 'contributed but not registered');
    assert.deepEqual(ours.filter((id) => !contributed.has(id)), [], 'registered but not contributed');
    assert.ok(contributed.size > 0);
  });

  it('resolves the Hotfix view container and each of its views', async () => {
    const container = manifest().contributes.viewsContainers.activitybar.find((c) => c.title === 'Hotfix');
    assert.ok(container, 'an activity-bar container titled Hotfix');
    await vscode.commands.executeCommand(`workbench.view.extension.${container.id}`);
    const views = manifest().contributes.views[container.id] ?? [];
    assert.deepEqual(views.map((v) => v.name), ['Hotfixes', 'Deployments', 'Incidents']);
    for (const view of views) {
      // `<id>.focus` exists only for a view the workbench resolved; it opens and focuses it.
      await vscode.commands.executeCommand(`${view.id}.focus`);
    }
  });

  it('finds the git repository open in the workspace', async () => {
    const expected = process.env['HOTFIX_TEST_WORKSPACE'];
    assert.ok(expected, 'the launcher names the workspace repository');
    const roots = await extension().exports.repositories();
    assert.deepEqual(roots.map((root) => realpathSync(root)), [realpathSync(expected)]);
  });

  it('runs Refresh and Show Log from the palette ids without error', async () => {
    await vscode.commands.executeCommand('hotfixDeployer.refresh');
    await vscode.commands.executeCommand('hotfixDeployer.showLog');
  });
});

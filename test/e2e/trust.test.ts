// A repository cannot choose the kubeconfig: the workspace's .vscode/settings.json names one whose exec
// plugin would leave a marker file; the user-level setting names a copy of the test cluster's kubeconfig
// whose context is renamed, so the Deployments view says which one it read. (A restricted-mode run is
// impossible here: VS Code trusts every workspace it runs extension tests in. The trust gate itself is
// in test/unit/extension-guards.test.ts and the untrusted workbench in test/ui/untrusted.test.mjs.)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse, stringify } from 'yaml';
import type { DeployNode } from '../../src/extension/views/deploy-tree';
import { extension } from './manifest';

const items = (parent?: DeployNode) => extension().exports.deploymentTreeItems(parent);

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('extension host guards: a repository cannot choose the kubeconfig', function () {
  this.timeout(60_000);
  const workspace = process.env['HOTFIX_TEST_WORKSPACE'] ?? '';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-scope-'));
  const marker = path.join(dir, 'exec-plugin-ran');
  const planted = path.join(dir, 'planted-kubeconfig');
  const mine = path.join(dir, 'user-kubeconfig');
  const settingsDir = path.join(workspace, '.vscode');
  const settingsFile = path.join(settingsDir, 'settings.json');
  const hadSettingsDir = existsSync(settingsDir);
  const trimWhitespace = () => vscode.workspace.getConfiguration('files').inspect<boolean>('trimTrailingWhitespace')?.workspaceValue;

  before(async function () {
    if (process.env['HOTFIX_TEST_CLUSTER'] !== '1') throw new Error('no test cluster: the launcher starts one unless HOTFIX_HOST_CLUSTER=0');
    assert.ok(workspace, 'the launcher names the workspace repository');
    assert.equal(existsSync(settingsFile), false, 'the workspace has no settings of its own yet');
    await extension().activate();
    await extension().exports.repositories();
    // What a cloned repository could carry: a kubeconfig whose exec plugin runs a command of its choice.
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'planted' } });
    writeFileSync(planted, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'planted',
      clusters: [{ name: 'planted', cluster: { server: 'https://127.0.0.1:9', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'planted', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: '/bin/sh', args: ['-c', `touch '${marker}'; echo '${credential}'`], interactiveMode: 'Never' } } }],
      contexts: [{ name: 'planted', context: { cluster: 'planted', user: 'planted' } }],
    }));
    // The person's own choice: the test cluster, its context renamed so the view shows it was read.
    const kubeconfig = parse(readFileSync(process.env['KUBECONFIG'] ?? '', 'utf8')) as { 'current-context': string; contexts: { name: string }[] };
    for (const c of kubeconfig.contexts) c.name = 'user-level';
    kubeconfig['current-context'] = 'user-level';
    writeFileSync(mine, stringify(kubeconfig));
    await vscode.workspace.getConfiguration('hotfixDeployer').update('kubeconfig', mine, vscode.ConfigurationTarget.Global);
    mkdirSync(settingsDir, { recursive: true });
    // files.trimTrailingWhitespace (resource scoped) shows when the workbench has read the file.
    writeFileSync(settingsFile, JSON.stringify({ 'hotfixDeployer.kubeconfig': planted, 'files.trimTrailingWhitespace': true }, null, 1));
    await until(() => trimWhitespace() === true, 'the workbench should read the workspace settings');
  });

  after(async () => {
    rmSync(settingsFile, { force: true });
    if (!hadSettingsDir) rmSync(settingsDir, { recursive: true, force: true });
    await vscode.workspace.getConfiguration('hotfixDeployer').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await until(() => trimWhitespace() === undefined, 'the workspace settings should be gone').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('declares the setting machine scoped, and restricted in an untrusted workspace', () => {
    const pkg = extension().packageJSON as {
      contributes: { configuration: { properties: Record<string, { scope?: string }> } };
      capabilities?: { untrustedWorkspaces?: { supported?: unknown; restrictedConfigurations?: string[] } };
    };
    assert.equal(pkg.contributes.configuration.properties['hotfixDeployer.kubeconfig']?.scope, 'machine');
    assert.equal(pkg.contributes.configuration.properties['hotfixDeployer.helmPath']?.scope, 'machine', 'a repository cannot choose the binary that runs either');
    assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, 'limited');
    assert.deepEqual(pkg.capabilities?.untrustedWorkspaces?.restrictedConfigurations, ['hotfixDeployer.kubeconfig', 'hotfixDeployer.helmPath']);
  });

  it('reads the cluster through the user-level kubeconfig; the one the workspace names never runs its exec plugin', async () => {
    const staging = (await items()).find((n) => n.label === 'staging');
    assert.ok(staging, 'the staging target is listed');
    const rows = await items(staging);
    assert.equal(existsSync(marker), false, "the workspace kubeconfig's exec plugin ran");
    const checkout = rows.find((n) => n.label === 'checkout');
    assert.ok(checkout, `the live Deployment is read: ${rows.map((n) => `${typeof n.label === 'string' ? n.label : ''} ${String(n.description)}`).join('; ')}`);
    assert.match(typeof checkout.tooltip === 'string' ? checkout.tooltip : '', /^Deployment checkout in user-level\/shop\n/, 'through the kubeconfig of the user-level setting');
  });
});

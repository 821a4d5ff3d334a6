import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { DeployNode } from '../../src/extension/views/deploy-tree';
import { extension } from './manifest';

async function items(parent?: DeployNode): Promise<DeployNode[]> {
  return extension().exports.deploymentTreeItems(parent);
}

async function stagingRows(): Promise<string[]> {
  const staging = (await items()).find((n) => n.label === 'staging');
  assert.ok(staging, 'the staging target is listed');
  return (await items(staging)).map((n) => `${typeof n.label === 'string' ? n.label : ''} | ${String(n.description)}`);
}

describe('extension host: deploy and rollback through the kube context (real control plane)', function () {
  this.timeout(90_000);
  before(async function () {
    if (process.env['HOTFIX_TEST_CLUSTER'] !== '1') {
      throw new Error('no test cluster: the launcher starts one unless HOTFIX_HOST_CLUSTER=0');
    }
    await extension().activate();
    // As a team points the extension at its helm (a machine-scoped setting, so user level).
    await vscode.workspace.getConfiguration('hotfixDeployer').update('helmPath', process.env['HOTFIX_TEST_HELM'], vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('hotfixDeployer').update('helmPath', undefined, vscode.ConfigurationTarget.Global);
  });

  it('lists the configured target with its strategy, context and namespace, and the live Deployment', async () => {
    const target = (await items()).find((n) => n.label === 'staging');
    assert.equal(target?.description, 'rolling · current context / shop');
    assert.equal(target?.contextValue, 'hotfix.target.rolling');
    const [root = ''] = await extension().exports.repositories();
    const release = execFileSync('git', ['rev-parse', 'v1.4.0^{commit}'], { cwd: root, encoding: 'utf8' }).trim();
    // The image template checkout:{version} reads 1.4.0 back as the release v1.4.0: no drift.
    assert.deepEqual(await stagingRows(), ['checkout | checkout:1.4.0 · rev 1 · 3/3 available', `Running ${release.slice(0, 12)} | = v1.4.0 · tag-pattern`, 'History | revisions']);
  });

  it('Deploy… rolls out the new image, and the view shows it', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; reason?: string }>('hotfixDeployer.deploy', { target: 'staging', image: 'checkout:1.4.1', confirmed: true });
    assert.equal(result.ok, true, JSON.stringify(result));
    const rows = await stagingRows();
    assert.equal(rows[0], 'checkout | checkout:1.4.1 · rev 2 · 3/3 available');
    assert.match(rows[1] ?? '', /^Last: deployed checkout:1\.4\.1 \| .* · Ada Oncall <ada@example\.com>$/);
  });

  it('Rollback… restores the previous revision, and the view shows it', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean }>('hotfixDeployer.rollback', { target: 'staging', confirmed: true });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal((await stagingRows())[0], 'checkout | checkout:1.4.0 · rev 3 · 3/3 available');
  });

  it('a broken image is rolled back by itself, and the command says why', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; reason: string }>('hotfixDeployer.deploy', { target: 'staging', image: 'checkout:1.4.2-broken', confirmed: true });
    assert.equal(result.ok, false);
    assert.match(result.reason, /^rolled back: checkout made no progress within its deadline/);
    assert.match((await stagingRows())[0] ?? '', /^checkout \| checkout:1\.4\.0 · rev \d+ · 3\/3 available$/);
  });

  it('Promote Canary stops the canary running in this window at a safe point and promotes it', async () => {
    const rows = async () => {
      const web = (await items()).find((n) => n.label === 'web');
      assert.ok(web, 'the canary target is listed');
      return (await items(web)).map((n) => `${typeof n.label === 'string' ? n.label : ''} | ${String(n.description)}`);
    };
    // Steps 50 then 100, a 60 s pause at each: the deploy sits in step 1 until promoted.
    const running = vscode.commands.executeCommand<{ ok: boolean; reason: string }>('hotfixDeployer.deploy', { target: 'web', image: 'web:2.1', confirmed: true });
    const end = Date.now() + 30_000;
    let seen: string[] = [];
    while (Date.now() < end) {
      seen = await rows();
      if (seen.some((r) => /^Canary 50% \| step 1\/2 \(paused\)/.test(r))) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.ok(seen.some((r) => /^Canary 50% \| step 1\/2 \(paused\)/.test(r)), seen.join('\n'));

    const promoted = await vscode.commands.executeCommand<{ ok: boolean; reason?: string }>('hotfixDeployer.promoteCanary', { target: 'web', confirmed: true });
    assert.equal(promoted.ok, true, JSON.stringify(promoted));
    const stopped = await running;
    assert.equal(stopped.ok, false);
    assert.match(stopped.reason, /^stopped: /, 'the running deploy stopped at a safe point');
    const after = await rows();
    assert.match(after.find((r) => r.startsWith('web |')) ?? '', /^web \| web:2\.1 · rev 2 · 2\/2 available/);
    assert.match(after.find((r) => r.startsWith('web-canary |')) ?? '', /· 0\/0 available/);
  });

  it('Rollback… of a Helm release (detected from its annotations) runs helm rollback: a new revision, as helm history shows it', async () => {
    const rows = async (parent?: DeployNode) => (await items(parent)).map((n) => `${typeof n.label === 'string' ? n.label : ''} | ${String(n.description)}`);
    const api = (await items()).find((n) => n.label === 'api');
    assert.ok(api, 'the Helm target is listed');
    const history = async () => {
      const node = (await items(api)).find((n) => n.label === 'History');
      assert.ok(node, 'the target has its History');
      return rows(node);
    };
    assert.ok((await rows(api)).includes('Helm release api | shop · found by its meta.helm.sh annotations'), (await rows(api)).join('\n'));
    assert.match((await history()).join('\n'), /^Revision 2 \(current\) \| deployed · api-0\.1\.0 · app 1\.0 · .+\nRevision 1 \| superseded · api-0\.1\.0/);

    const result = await vscode.commands.executeCommand<{ ok: boolean; reason?: string; value?: { message: string } }>('hotfixDeployer.rollback', { target: 'api', confirmed: true });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.match(result.value?.message ?? '', /Helm release api back from revision 2 .*to revision 1.*new revision 3/);
    const after = await history();
    assert.match(after[0] ?? '', /^Revision 3 \(current\) \| deployed · api-0\.1\.0/);
    assert.match(after.join('\n'), /Revision 2 \| superseded/);
    assert.match((await rows(api)).find((r) => r.startsWith('api |')) ?? '', /^api \| api:1\.0 · /);
    // The team's own helm agrees: revision 3 is deployed, made by rolling back to 1.
    const helm = JSON.parse(execFileSync(process.env['HOTFIX_TEST_HELM'] ?? 'helm', ['history', 'api', '--namespace', 'shop', '--output', 'json'], { encoding: 'utf8' })) as { revision: number; status: string; description: string }[];
    assert.deepEqual(helm.map((r) => `${r.revision} ${r.status} ${r.description}`), ['1 superseded Install complete', '2 superseded Upgrade complete', '3 deployed Rollback to 1']);
  });
});

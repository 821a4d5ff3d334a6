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
  });

  it('lists the configured target with its strategy, context and namespace, and the live Deployment', async () => {
    const target = (await items()).find((n) => n.label === 'staging');
    assert.equal(target?.description, 'rolling · current context / shop');
    assert.equal(target?.contextValue, 'hotfix.target.rolling');
    const [root = ''] = await extension().exports.repositories();
    const release = execFileSync('git', ['rev-parse', 'v1.4.0^{commit}'], { cwd: root, encoding: 'utf8' }).trim();
    // The image template checkout:{version} reads 1.4.0 back as the release v1.4.0: no drift.
    assert.deepEqual(await stagingRows(), ['checkout | checkout:1.4.0 · rev 1 · 3/3 available', `Running ${release.slice(0, 12)} | = v1.4.0 · tag-pattern`]);
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
});

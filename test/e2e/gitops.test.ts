import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeployNode } from '../../src/extension/views/deploy-tree';
import { extension } from './manifest';

// The launcher's cluster (test/host/cluster-app.mjs) runs `payments` as Argo CD's Application
// argocd/payments (auto-sync with selfHeal; the CRD and the object only, no controller), at an image
// tagged with the commit of the workspace's `experiment` branch: not the production release v1.4.0.

async function rows(): Promise<string[]> {
  const items = (parent?: DeployNode) => extension().exports.deploymentTreeItems(parent);
  const payments = (await items()).find((n) => n.label === 'payments');
  assert.ok(payments, 'the payments target is listed');
  return (await items(payments)).map((n) => `${typeof n.label === 'string' ? n.label : ''} | ${String(n.description)}`);
}

describe('extension host: hotfix from what runs, and GitOps-safe deploys (real control plane with the Argo CD Application CRD)', function () {
  this.timeout(90_000);
  let root = '';
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  /** The launcher's manifests clone beside the workspace (targets.payments.gitops.manifests.repo: ../infra). */
  const infra = (...args: string[]) => execFileSync('git', ['-C', path.join(path.dirname(root), 'infra'), ...args], { encoding: 'utf8' }).trim();

  before(async function () {
    if (process.env['HOTFIX_TEST_CLUSTER'] !== '1') throw new Error('no test cluster: the launcher starts one unless HOTFIX_HOST_CLUSTER=0');
    await extension().activate();
    [root = ''] = await extension().exports.repositories();
  });
  after(() => {
    // Leave the repository as the next suites expect it: on production, without this test's branch.
    if (!root) return;
    git('switch', '--quiet', 'production');
    if (git('branch', '--list', 'hotfix/PROD-77-payments-timeout') !== '') git('branch', '--quiet', '-D', 'hotfix/PROD-77-payments-timeout');
  });

  it('the Deployments view shows the commit payments runs, its drift from v1.4.0, and the Argo CD Application that would revert a change', async () => {
    const experiment = git('rev-parse', 'experiment');
    const shown = await rows();
    assert.ok(shown.includes(`Running ${experiment.slice(0, 12)} | drift: 1 commit ahead of v1.4.0 · image-sha`), shown.join('\n'));
    assert.ok(shown.includes('Argo CD Application argocd/payments | auto-sync + selfHeal: reverts changes made here'), shown.join('\n'));
  });

  it('Create Hotfix from Production… branches from the commit that runs when the person chooses it over the release tag', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; reason?: string; value?: { branch: string; baseline: { ref: string; sha: string } } }>(
      'hotfixDeployer.createHotfixFromProduction',
      { target: 'payments', issue: 'PROD-77', title: 'payments timeout', onDrift: 'running' },
    );
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.value?.branch, 'hotfix/PROD-77-payments-timeout');
    assert.equal(result.value?.baseline.ref, 'running:payments');
    assert.equal(git('rev-parse', 'HEAD'), git('rev-parse', 'experiment'), 'checked out at the running commit, not at v1.4.0');
    git('switch', '--quiet', 'production');
  });

  it('Deploy… with auto-sync paused prepares the manifests commit; Restore GitOps Auto-Sync… waits for it to be merged, then puts selfHeal back', async () => {
    const deployed = await vscode.commands.executeCommand<{ ok: boolean; reason?: string }>('hotfixDeployer.deploy', { target: 'payments', image: 'payments:1.4.1', confirmed: true, gitops: 'pause' });
    assert.equal(deployed.ok, true, JSON.stringify(deployed));
    const paused = await rows();
    assert.ok(paused.some((r) => /^Argo CD Application argocd\/payments \| auto-sync paused by Ada Oncall <ada@example\.com> since \d{4}-/.test(r)), paused.join('\n'));
    assert.ok(paused.some((r) => /^payments \| payments:1\.4\.1 · rev 2 /.test(r)), paused.join('\n'));
    // The manifests clone beside the workspace got a branch whose file says what now runs.
    const branch = 'hotfix/payments-deploy-1-4-1';
    assert.match(infra('show', `${branch}:apps/payments/deployment.yaml`), /image: payments:1\.4\.1$/m);

    const early = await vscode.commands.executeCommand<{ ok: boolean; reason?: string }>('hotfixDeployer.restoreAutoSync', { target: 'payments', confirmed: true });
    assert.equal(early.ok, false);
    assert.match(early.reason ?? '', /^Not restored: git still says payments:[0-9a-f]{12} \(apps\/payments\/deployment\.yaml on origin\/main\) while payments:1\.4\.1 runs/);
    infra('push', '--quiet', 'origin', `${branch}:main`); // what merging its pull request does

    const restored = await vscode.commands.executeCommand<{ ok: boolean; value?: string[] }>('hotfixDeployer.restoreAutoSync', { target: 'payments', confirmed: true });
    assert.equal(restored.ok, true, JSON.stringify(restored));
    assert.match(restored.value?.[0] ?? '', /^Restored auto-sync of Argo CD Application argocd\/payments: \{"prune":true,"selfHeal":true\}/);
    assert.ok((await rows()).includes('Argo CD Application argocd/payments | auto-sync + selfHeal: reverts changes made here'));
  });

  it('auto-sync paused during an incident is restored when Resolve Incident runs, and the timeline says so', async () => {
    type Outcome = { ok: boolean; reason?: string; value?: { incident: { id: string; events: { type: string; object?: string }[] } } };
    const declared = await vscode.commands.executeCommand<Outcome>('hotfixDeployer.declareIncident', { severity: 'sev2', title: 'Payments timing out', impact: 'medium' });
    assert.equal(declared.ok, true, JSON.stringify(declared));
    const id = declared.value?.incident.id ?? '';
    const deployed = await vscode.commands.executeCommand<{ ok: boolean }>('hotfixDeployer.deploy', { target: 'payments', image: 'payments:1.4.2', confirmed: true, gitops: 'pause' });
    assert.equal(deployed.ok, true, JSON.stringify(deployed));
    assert.ok((await rows()).some((r) => new RegExp(`^Argo CD Application argocd/payments \\| auto-sync paused by .* for ${id}$`).test(r)));
    infra('push', '--quiet', 'origin', 'hotfix/payments-deploy-1-4-2:main');

    const resolved = await vscode.commands.executeCommand<Outcome>('hotfixDeployer.resolveIncident', { id, rootCause: 'a slow payments provider', broadcast: false });
    assert.equal(resolved.ok, true, JSON.stringify(resolved));
    const types = (resolved.value?.incident.events ?? []).map((e) => `${e.type}${e.object ? ` ${e.object}` : ''}`);
    assert.ok(types.includes('gitops-paused Argo CD Application argocd/payments') && types.includes('gitops-restored Argo CD Application argocd/payments'), types.join(', '));
    assert.ok(types.indexOf('gitops-restored Argo CD Application argocd/payments') < types.indexOf('resolved'));
    assert.ok((await rows()).includes('Argo CD Application argocd/payments | auto-sync + selfHeal: reverts changes made here'));
  });
});

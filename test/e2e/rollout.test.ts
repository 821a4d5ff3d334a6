// An Argo Rollout in a real extension host, against the real Argo Rollouts controller: the launcher's
// Rollout `cart` (target `cart`, strategy argo-rollout) had its image changed, its step analysis measured
// an error rate of 0.12 against `result > 0.05` and failed, and the controller aborted the update. The
// panel's Canary tab shows the failed AnalysisRun: the test reads the failure line the page rendered
// (its DOM's text, reported by the page as `canary-rendered`) and the Deployments view's rows.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PanelProbe } from '../../src/extension/panel/panel';
import { extension } from './manifest';

const probe = (): PanelProbe => extension().exports.panel();

async function eventually<T>(read: () => T | Promise<T>, check: (value: T) => boolean, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > end) assert.fail(`${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const label = (node: vscode.TreeItem) => (typeof node.label === 'string' ? node.label : (node.label?.label ?? ''));

describe('extension host: an Argo Rollout whose analysis failed', function () {
  this.timeout(120_000);
  before(async function () {
    if (process.env['HOTFIX_TEST_CLUSTER'] !== '1') this.skip();
    await extension().activate();
    await extension().exports.repositories();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the Canary tab shows the failed AnalysisRun: metric error-rate, value 0.12, condition result > 0.05', async () => {
    const opened = await vscode.commands.executeCommand<{ ok: boolean; reason?: string }>('hotfixDeployer.showCanary', { target: 'cart' });
    assert.equal(opened?.ok, true, JSON.stringify(opened));
    // The panel refreshes while the Rollout moves; once the controller has aborted it, the page shows why.
    const shown = await eventually(probe, (p) => p.canaryRendered?.target === 'cart' && p.canaryRendered.failures.length > 0, 'the page should render the failed AnalysisRun of cart');
    const failures = shown.canaryRendered?.failures ?? [];
    assert.equal(failures.length, 1, failures.join('\n'));
    const line = failures[0] ?? '';
    assert.match(line, /^AnalysisRun cart-[a-z0-9]+-2-1 failed: metric error-rate measured 0\.12 \(failed 1 of 1 measurement, failureLimit 0\): failureCondition result > 0\.05$/);
    assert.match(shown.canaryStep ?? '', /^Rollout cart: Degraded - RolloutAborted: Rollout aborted update to revision 2: .*Metric "error-rate" assessed Failed/);
    assert.equal(shown.subject.target, 'cart');
  });

  it('the Deployments view shows the Rollout degraded, its stable and canary ReplicaSets and the failure line', async () => {
    const cart = (await extension().exports.deploymentTreeItems()).find((n) => label(n) === 'cart');
    assert.ok(cart, 'the cart target is listed');
    assert.match(String(cart.contextValue), /^hotfix\.target\.argo-rollout/);
    const rows = await eventually(() => extension().exports.deploymentTreeItems(cart), (items) => items.some((n) => label(n) === 'Analysis failed'), 'the view should list the failed analysis');
    const text = rows.map((n) => `${label(n)}: ${String(n.description ?? '')}`);
    assert.match(text[0] ?? '', /^Rollout cart: Degraded - RolloutAborted: /, text.join('\n'));
    assert.match(text[1] ?? '', /^step 0\/3 \(setWeight 50\), weight \d+%/, text.join('\n'));
    assert.ok(text.some((t) => /^stable cart-[a-z0-9]+: \(cart:1\.0\) 2\/2 ready · rev 1$/.test(t)), text.join('\n'));
    assert.ok(text.some((t) => /^canary cart-[a-z0-9]+: \(cart:1\.1\) \d\/\d ready · rev 2$/.test(t)), text.join('\n'));
    assert.ok(text.some((t) => /^Analysis failed: AnalysisRun cart-[a-z0-9]+-2-1 failed: metric error-rate measured 0\.12 .*failureCondition result > 0\.05$/.test(t)), text.join('\n'));
    const status = rows[0];
    assert.equal(status?.contextValue, 'hotfix.live.rollout.status.degraded', 'the row that carries Argo Rollout Action…');
  });

  it('Argo Rollout Action… retries the aborted update through the Rollout, and the incident timeline records it', async () => {
    const declared = await vscode.commands.executeCommand<{ ok: boolean; value?: { incident: { id: string } | string } }>('hotfixDeployer.declareIncident', { severity: 'sev3', title: 'cart analysis failing', impact: 'low' });
    assert.equal(declared?.ok, true, JSON.stringify(declared));
    const incident = declared.value?.incident;
    const id = typeof incident === 'string' ? incident : (incident?.id ?? '');
    try {
      // Options as a remedy button passes them (root, target, the verb), with the incident to record it in.
      const row = { root: (await extension().exports.repositories())[0], target: 'cart', action: 'retry', confirmed: true, incident: id };
      const retried = await vscode.commands.executeCommand<{ ok: boolean; value?: string; reason?: string }>('hotfixDeployer.rolloutAction', row);
      assert.equal(retried?.ok, true, JSON.stringify(retried));
      assert.match(retried.value ?? '', /^Rollout cart in /);
      // An incident's children are its latest events as loaded: read the incident anew each time.
      const events = async () => {
        const node = (await extension().exports.incidentTreeItems()).find((n) => label(n).includes('cart analysis failing'));
        return node ? extension().exports.incidentTreeItems(node) : [];
      };
      await eventually(events, (items) => items.some((e) => label(e).startsWith('Argo Rollout cart (cart): retry')), 'the retry should land on the timeline', 20_000);
    } finally {
      await vscode.commands.executeCommand('hotfixDeployer.resolveIncident', { id, rootCause: 'rollout test done' });
    }
  });
});

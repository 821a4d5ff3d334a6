/* global document */
// The canary tab of an argo-rollout target in real headless Chromium: the Rollout's phase, steps and
// ReplicaSets, a failed AnalysisRun read as a person reads it (the failure line, the metric's value and
// condition), cluster text that looks like markup shown as text, and the controls the phase allows.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ROLLOUT_FAILURE, rolloutCanary } from './fixtures.mjs';
import { panelSuite } from './harness.mjs';

describe('webview: Argo Rollout', function () {
  const suite = panelSuite({ tab: 'canary', noDialogs: true });

  const text = (selector) => suite.panel.page.locator(selector).first().textContent();

  it('reads a failed AnalysisRun: the failure line, the metric, its value and its condition', async () => {
    await suite.panel.send({ kind: 'canary', canary: rolloutCanary() });
    const failed = suite.panel.page.locator('[data-test="analysis-run"][data-phase="Failed"]');
    await failed.waitFor();
    assert.equal(await failed.locator('[data-test="analysis-failure"]').textContent(), ROLLOUT_FAILURE);
    assert.match(await failed.locator('[data-test="analysis-failure"]').textContent(), /metric error-rate measured 0\.12 .*failureCondition result > 0\.05$/);
    const metric = failed.locator('tr[data-metric="error-rate"]');
    assert.equal(await metric.locator('[data-test="metric-name"]').textContent(), 'error-rate');
    assert.equal(await metric.locator('[data-test="metric-failure-condition"]').textContent(), 'result > 0.05');
    assert.equal(await metric.locator('[data-test="metric-success-condition"]').textContent(), '—');
    assert.equal(await metric.locator('[data-test="metric-failure-limit"]').textContent(), '0');
    assert.equal(await metric.locator('[data-test="metric-phase"]').textContent(), 'Failed');
    assert.equal(await metric.locator('[data-test="metric-counts"]').textContent(), '1 failed, 0 successful of 1 (count 1)');
    assert.match(await metric.locator('[data-test="metric-provider"]').textContent(), /^web: GET http:\/\/127\.0\.0\.1:8125\/error-rate/);
    assert.deepEqual(await metric.locator('[data-test="measurement"]').allTextContents(), ['0.12 Failed']);
    assert.equal(await metric.locator('[data-test="measurement"]').getAttribute('class'), 'fail');
    // The older run passed: no failure line, its own success condition.
    const passed = suite.panel.page.locator('[data-test="analysis-run"][data-phase="Successful"]');
    assert.equal(await passed.locator('[data-test="analysis-failure"]').count(), 0);
    assert.equal(await passed.locator('[data-test="metric-success-condition"]').textContent(), 'result <= 0.05');
    // The same line heads the Rollout, announced; the page reports what it shows to the host.
    assert.equal(await suite.panel.page.locator('[data-test="rollout-failure"]').getAttribute('role'), 'alert');
    assert.match(await text('[data-test="rollout-failure"]'), new RegExp(`^analysis failed ${ROLLOUT_FAILURE.replace(/[.()]/g, '\\$&')}$`));
    const reported = await suite.panel.next('canary-rendered');
    assert.deepEqual(reported, { kind: 'canary-rendered', target: 'cart', failures: [ROLLOUT_FAILURE], comparisons: [] });
  });

  it('shows the phase, message, steps with the current one, weights and the stable and canary ReplicaSets', async () => {
    await suite.panel.send({ kind: 'canary', canary: rolloutCanary() });
    await suite.panel.page.locator('[data-test="rollout"]').waitFor();
    assert.equal(await text('[data-test="rollout-phase"]'), 'Degraded');
    assert.match(await text('[data-test="rollout-message"]'), /^ - RolloutAborted: Rollout aborted update to revision 2/);
    assert.deepEqual(await suite.panel.page.locator('[data-test="rollout-step-item"]').evaluateAll((els) => els.map((e) => [e.textContent, e.classList[1], e.getAttribute('aria-current')])),
      [['setWeight 50', 'current', 'step'], ['analysis error-rate', 'pending', null], ['pause (until promoted)', 'pending', null]]);
    assert.equal(await text('[data-test="rollout-step"]'), 'step 0/3 (setWeight 50), weight 0%');
    assert.equal(await text('[data-test="rollout-weights"]'), '0% of traffic on the canary');
    assert.equal(await text('[data-test="rollout-stable"]'), 'cart-6f7d4c (registry.example.invalid/cart:1.0) · revision 1 · ready 2/2');
    assert.equal(await text('[data-test="rollout-canary"]'), 'cart-7c9b5d (registry.example.invalid/cart:1.1) · revision 2 · ready 0/0');
    assert.match(await suite.panel.page.locator('.canary-header').textContent(), /Argo Rollout shop\/cart · canary/);

    // Paused at a pause step, half the traffic on the canary: the set weight shows beside the actual one.
    await suite.panel.send({ kind: 'canary', canary: rolloutCanary({ phase: 'Paused', message: 'CanaryPauseStep', aborted: false, step: 2, setWeight: 50, actualWeight: 33, stepLine: 'step 2/3 (pause (until promoted)), weight 33% (set 50%)',
      steps: [{ text: 'setWeight 50', state: 'done' }, { text: 'analysis error-rate', state: 'done' }, { text: 'pause (until promoted)', state: 'current' }], failure: undefined, analysisRuns: [] }) });
    await suite.panel.page.waitForFunction(() => document.querySelector('[data-test="rollout-phase"]')?.textContent === 'Paused');
    assert.equal(await text('[data-test="rollout-weights"]'), '33% of traffic on the canary (the step sets 50%)');
    assert.equal(await suite.panel.page.locator('[data-test="rollout-failure"]').count(), 0);
    assert.equal(await suite.panel.page.locator('.step[aria-current="step"]').textContent(), 'pause (until promoted)');
    await suite.panel.page.waitForFunction(() => document.querySelector('[aria-live="polite"]')?.textContent === 'Rollout Paused: CanaryPauseStep. step 2/3 (pause (until promoted)), weight 33% (set 50%).');
  });

  it('shows an AnalysisRun message, a measurement and a step that look like markup as text', async () => {
    const evil = '<img src=x onerror=alert(1)> metric query failed';
    const base = rolloutCanary();
    const run = { ...base.rollout.analysisRuns[0], message: evil,
      metrics: [{ ...base.rollout.analysisRuns[0].metrics[0], provider: 'web: GET <script>alert(2)</script>', measurements: [{ phase: 'Error', value: '<b>0.12</b>', message: '<img src=y onerror=alert(3)>' }] }] };
    await suite.panel.send({ kind: 'canary', canary: rolloutCanary({ analysisRuns: [run], steps: [{ text: '<svg onload=alert(4)>', state: 'current' }] }) });
    const message = suite.panel.page.locator('[data-test="analysis-message"]');
    await message.waitFor();
    assert.equal(await message.textContent(), evil);
    assert.equal(await message.innerHTML(), '&lt;img src=x onerror=alert(1)&gt; metric query failed');
    assert.match(await text('[data-test="metric-provider"]'), /<script>alert\(2\)<\/script>/);
    assert.equal(await text('[data-test="measurement"]'), '<b>0.12</b> Error (<img src=y onerror=alert(3)>)');
    assert.equal(await text('[data-test="rollout-step-item"]'), '<svg onload=alert(4)>');
    const markup = await suite.panel.page.locator('[data-test="rollout"]').evaluate((el) => el.querySelectorAll('img, script, b, svg').length);
    assert.equal(markup, 0, 'no element was made from cluster text');
  });

  it('enables the controls the phase allows and posts them for the Rollout', async () => {
    const controls = () => suite.panel.page.locator('.controls vscode-button').evaluateAll((bs) => bs.map((b) => [b.textContent, b.disabled]));
    await suite.panel.send({ kind: 'canary', canary: rolloutCanary() });
    await suite.panel.page.locator('[data-test="rollout"]').waitFor();
    assert.deepEqual(await controls(), [['Promote', true], ['Pause', true], ['Abort', true]], 'aborted: Retry or Undo from the palette');
    await suite.panel.send({ kind: 'canary', canary: rolloutCanary({ phase: 'Paused', message: 'manually paused', aborted: false, paused: true, actions: ['resume', 'promote', 'abort'] }) });
    await suite.panel.page.waitForFunction(() => document.querySelector('[data-test="rollout-phase"]')?.textContent === 'Paused');
    assert.deepEqual(await controls(), [['Promote', false], ['Resume', false], ['Abort', false]]);
    await suite.panel.send({ kind: 'canary', canary: rolloutCanary({ phase: 'Paused', message: 'CanaryPauseStep', aborted: false, actions: ['promote', 'abort'] }) });
    await suite.panel.page.waitForFunction(() => document.querySelector('[data-test="rollout-message"]')?.textContent === ' - CanaryPauseStep');
    assert.deepEqual(await controls(), [['Promote', false], ['Pause', true], ['Abort', false]]);
    await suite.panel.page.locator('vscode-button', { hasText: 'Promote' }).click();
    const action = await suite.panel.next('canary-action');
    assert.deepEqual({ ...action, id: 'x' }, { kind: 'canary-action', id: 'x', action: 'promote', target: 'cart' });
    await suite.panel.send({ kind: 'reply', id: action.id, ok: false, message: 'cart is protected: type its name to confirm.' });
    await suite.panel.page.locator('.error', { hasText: 'cart is protected: type its name to confirm.' }).waitFor();
    assert.equal(await suite.panel.page.locator('vscode-button', { hasText: 'Promote' }).evaluate((b) => b.disabled), false, 'enabled again after the reply');
  });
});

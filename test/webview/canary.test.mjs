/* global document, getComputedStyle */
// The canary tab in real headless Chromium: steps, verdict numbers, the SVG charts, the controls,
// and screenshots of both tabs in a light and a dark theme.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { canary, entries, incident } from './fixtures.mjs';
import { ROOT, panelSuite } from './harness.mjs';

const SHOTS = process.env.WEBVIEW_SCREENSHOTS || path.join(ROOT, 'out', 'webview-screenshots');

describe('webview: canary', function () {
  const suite = panelSuite({ tab: 'canary' });

  it('opens on the tab the host asks for and persists a tab change', async () => {
    assert.equal(await suite.panel.page.locator('vscode-tab-header[active]').textContent(), 'Canary');
    await suite.panel.page.locator('vscode-tab-header', { hasText: 'Incident timeline' }).click();
    const state = await suite.panel.next('state');
    assert.equal(state.state.tab, 'timeline');
    assert.equal((await suite.panel.test()).state.tab, 'timeline');
    await suite.panel.send({ kind: 'hello', protocol: 4, tab: 'canary' });
    await suite.panel.page.waitForFunction(() => document.querySelector('vscode-tab-header[active]')?.textContent === 'Canary');
  });

  it('shows step 2 of 5 (25%) current, tracks, the pause clock and the verdict numbers', async () => {
    await suite.panel.send({ kind: 'canary', canary: canary() });
    const current = suite.panel.page.locator('.step[aria-current="step"]');
    await current.waitFor();
    assert.equal(await current.textContent(), '25%');
    assert.equal(await current.getAttribute('aria-label'), 'Step 2 of 5, 25%, current');
    assert.deepEqual(await suite.panel.page.locator('.step').evaluateAll((els) => els.map((e) => e.classList[1])),
      ['done', 'current', 'pending', 'pending', 'pending']);
    assert.match(await suite.panel.page.locator('.step-of').textContent(), /Step 2 of 5 · 25% of traffic/);
    assert.match(await suite.panel.page.locator('.tracks').textContent(), /pay:1\.4\.3-hotfix\.1 · revision 18 · ready 1\/1.*pay:1\.4\.2 · revision 17 · ready 4\/4/s);
    const verdicts = await suite.panel.page.locator('.verdict').allTextContents();
    assert.ok(verdicts.some((v) => v.includes('error-rate 7.9% > 1%')), verdicts.join('\n'));
    assert.ok(verdicts.some((v) => v.includes('latency-p99 182ms < 500ms')), verdicts.join('\n'));
    const before = await suite.panel.page.locator('.pause').textContent();
    assert.match(before, /^Paused 1:2\d · 3:[34]\d left$/);
    await suite.panel.page.waitForFunction((b) => document.querySelector('.pause').textContent !== b, before, { timeout: 3000 });
  });

  it('shows the HPA of an autoscaled target beside the tracks, as text', async () => {
    const autoscaler = 'HPA pay scales pay: min 3, max 3, current 3, desired 3; held for operation op-7 (its own bounds: min 4, max 10) <img src=x onerror=alert(1)>';
    await suite.panel.send({ kind: 'canary', canary: { ...canary(), autoscaler } });
    const dd = suite.panel.page.locator('.tracks dt', { hasText: 'Autoscaler' }).locator('xpath=following-sibling::dd[1]');
    await dd.waitFor();
    assert.equal(await dd.textContent(), autoscaler);
    assert.equal(await suite.panel.page.locator('.tracks img').count(), 0, 'set as text, never as markup');
  });

  it('draws an SVG chart per series with a dashed threshold line and unit-aware labels', async () => {
    await suite.panel.send({ kind: 'canary', canary: canary() });
    const charts = suite.panel.page.locator('svg.chart');
    await charts.first().waitFor();
    assert.equal(await charts.count(), 2);
    const first = await charts.first().evaluate((svg) => ({
      label: svg.getAttribute('aria-label'), role: svg.getAttribute('role'),
      threshold: svg.querySelector('line.threshold') !== null,
      dash: getComputedStyle(svg.querySelector('line.threshold')).strokeDasharray,
      points: svg.querySelector('polyline').getAttribute('points').split(' ').length,
      labels: [...svg.querySelectorAll('text')].map((t) => t.textContent),
    }));
    assert.equal(first.role, 'img');
    assert.match(first.label, /^error-rate over time, latest 7\.75%, threshold <= 1%, 24 points$/);
    assert.ok(first.threshold);
    assert.notEqual(first.dash, 'none');
    assert.equal(first.points, 24);
    assert.ok(first.labels.includes('1%') && first.labels.includes('0%'), first.labels.join(' '));
    const second = await charts.nth(1).evaluate((svg) => [...svg.querySelectorAll('text')].map((t) => t.textContent));
    assert.ok(second.includes('500ms'), second.join(' '));
  });

  it('Promote posts canary-action; buttons follow controllable and stopped; a failed reply shows', async () => {
    await suite.panel.send({ kind: 'canary', canary: canary() });
    const promote = suite.panel.page.locator('vscode-button', { hasText: 'Promote' });
    await promote.waitFor();
    await promote.click();
    const action = await suite.panel.next('canary-action');
    assert.deepEqual({ ...action, id: 'x' }, { kind: 'canary-action', id: 'x', action: 'promote', target: 'production' });
    assert.equal(await promote.evaluate((b) => b.disabled), true, 'disabled while waiting');
    await suite.panel.send({ kind: 'reply', id: action.id, ok: false, message: 'Another deploy holds the lock.' });
    await suite.panel.page.locator('.error', { hasText: 'Another deploy holds the lock.' }).waitFor();

    const disabled = () => suite.panel.page.locator('.controls vscode-button').evaluateAll((bs) => bs.map((b) => [b.textContent, b.disabled]));
    await suite.panel.send({ kind: 'canary', canary: canary({ controllable: false, outcome: 'running' }) });
    assert.deepEqual(await disabled(), [['Promote', true], ['Pause', true], ['Abort', true]]);
    await suite.panel.send({ kind: 'canary', canary: canary({ controllable: false, outcome: 'stopped', note: 'Paused by dana in another window.' }) });
    assert.deepEqual(await disabled(), [['Promote', true], ['Resume', false], ['Abort', false]]);
    assert.equal(await suite.panel.page.locator('.note', { hasText: 'Paused by dana in another window.' }).count(), 1);
    await suite.panel.page.locator('vscode-button', { hasText: 'Resume' }).click();
    assert.equal((await suite.panel.next('canary-action', 1)).action, 'resume');
    assert.match(await suite.panel.page.locator('[aria-live="polite"]').textContent(), /Canary stopped/);
  });

  it('takes screenshots of both tabs in a light and a dark theme', async function () {
    const dir = path.join(SHOTS, new Date().toISOString().replace(/[:.]/g, '-'));
    mkdirSync(dir, { recursive: true });
    for (const theme of ['light', 'dark']) {
      const p = await suite.open({ theme, tab: 'canary', viewport: { width: 960, height: 900 } });
      try {
        await p.send({ kind: 'incident', incident: incident(), entries: entries(400) });
        await p.send({ kind: 'canary', canary: canary() });
        await p.next('rendered');
        await p.page.locator('svg.chart').first().waitFor();
        await p.page.screenshot({ path: path.join(dir, `canary-${theme}.png`), fullPage: true });
        await p.page.locator('vscode-tab-header', { hasText: 'Incident timeline' }).click();
        await p.page.locator('.vrow').first().waitFor();
        await p.page.screenshot({ path: path.join(dir, `timeline-${theme}.png`) });
        assert.deepEqual((await p.test()).violations, []);
        assert.deepEqual(p.errors, []);
      } finally {
        await p.page.close();
      }
    }
    console.log(`      screenshots: ${dir}`);
  });
});

/* global getComputedStyle */
// The canary judged against its baseline, in real headless Chromium: for the latest step, each
// compared metric's explanation line, the Mann-Whitney numbers, the effect size and tolerance, a box
// plot of both distributions, both tracks' samples on one chart with a legend, and the canary score
// with its band; each step's comparisons in the verdict list; a metric name that looks like markup
// shown as text; and the page's `canary-rendered` report of the lines it shows.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { canary, entries, incident, iso } from './fixtures.mjs';
import { panelSuite } from './harness.mjs';

const P95_LINE = 'p95-latency: canary 95.3 ms vs baseline 48.8 ms (+95%, tolerance 10%), p < 0.001: fail';
const ERRORS_LINE = 'error-rate: canary 0.4% vs baseline 0.42% (-4.8%, tolerance 20%), p = 0.64: pass';

/** `n` samples every 15 s around `base`, ending now. */
function samples(base, spread, n = 30) {
  const end = Date.now();
  return Array.from({ length: n }, (_, i) => [end - (n - 1 - i) * 15_000, base + spread * Math.sin(i * 1.7)]);
}

function p95(name = 'p95-latency', line = P95_LINE, series = true) {
  return {
    gate: name, window: '5m', verdict: 'fail',
    against: {
      verdict: 'fail', line, tolerance: 0.1, weight: 1, critical: true,
      canary: { n: 30, min: 0.081, q1: 0.09, median: 0.0953, q3: 0.101, max: 0.12 },
      baseline: { n: 30, min: 0.041, q1: 0.046, median: 0.0488, q3: 0.052, max: 0.061 },
      u: 812, p: 0.00002, method: 'exact', alternative: 'greater', ratio: 0.0953 / 0.0488, cliffsDelta: 0.82,
    },
    ...(series ? { series: { canary: samples(0.0953, 0.01), baseline: samples(0.0488, 0.005) } } : {}),
  };
}

function errors(series = true) {
  return {
    gate: 'error-rate', window: '5m', verdict: 'pass',
    against: {
      verdict: 'pass', line: ERRORS_LINE, tolerance: 0.2, weight: 2, critical: false,
      canary: { n: 30, min: 0.002, q1: 0.0035, median: 0.004, q3: 0.0046, max: 0.006 },
      baseline: { n: 30, min: 0.0021, q1: 0.0037, median: 0.0042, q3: 0.0048, max: 0.0059 },
      u: 421.5, p: 0.64, method: 'normal', alternative: 'greater', ratio: 0.004 / 0.0042, cliffsDelta: -0.063,
    },
    ...(series ? { series: { canary: samples(0.004, 0.001), baseline: samples(0.0042, 0.001) } } : {}),
  };
}

/** A canary at step 2 whose latest verdict failed on p95-latency against the baseline; error-rate passed. */
function baselineCanary(latest = [p95(), errors()]) {
  const base = canary();
  const start = Date.parse(base.startedAt);
  return {
    ...base,
    verdicts: [
      { step: 1, weight: 10, pass: true, reason: 'verification: canary score 100 (pass >= 95): p95-latency pass, error-rate pass (weight 2)', at: iso(start + 120_000),
        score: { value: 100, pass: 95, verdict: 'pass' },
        numbers: [
          { gate: 'p95-latency', window: '5m', verdict: 'pass', against: { ...p95().against, verdict: 'pass', line: 'p95-latency: canary 49.1 ms vs baseline 48.8 ms (+1%, tolerance 10%), p = 0.41: pass', canary: { n: 8, min: 0.044, q1: 0.047, median: 0.0491, q3: 0.051, max: 0.055 }, u: 35, p: 0.41, ratio: 1.006, cliffsDelta: 0.05 } },
          { gate: 'error-rate', window: '5m', verdict: 'pass', against: errors().against },
        ] },
      { step: 2, weight: 25, pass: false, reason: 'verification: critical p95-latency failed (score 67: p95-latency fail (critical), error-rate pass (weight 2))', at: iso(start + 300_000),
        score: { value: 67, pass: 95, verdict: 'fail' },
        numbers: latest },
    ],
    series: [
      { gate: 'p95-latency', unit: 'seconds', points: samples(0.08, 0.02, 24) },
      { gate: 'error-rate', unit: 'ratio', points: samples(0.004, 0.001, 24) },
    ],
  };
}

describe('webview: canary against baseline', function () {
  const suite = panelSuite({ tab: 'canary', noDialogs: true });
  const page = () => suite.panel.page;
  const comparison = (metric) => page().locator(`[data-test="comparison"][data-metric="${metric}"]`);
  const stat = (metric, name) => comparison(metric).locator(`[data-test="stat-${name}"]`).textContent();

  it('explains the failed and the passed comparison: the line, U, p, the effect, the tolerance, the verdict', async () => {
    await suite.panel.send({ kind: 'canary', canary: baselineCanary() });
    await comparison('p95-latency').waitFor();
    assert.deepEqual(await page().locator('[data-test="comparison"]').evaluateAll((els) => els.map((e) => [e.dataset.metric, e.dataset.verdict])),
      [['p95-latency', 'fail'], ['error-rate', 'pass']]);
    assert.match(await page().locator('[data-test="baseline"] > p.muted').textContent(), /^Step 2 \(25%\) · \d\d:\d\d:\d\d UTC · each metric's canary samples against stable's, by a Mann-Whitney U test$/);

    assert.equal(await comparison('p95-latency').locator('[data-test="comparison-line"]').textContent(), P95_LINE);
    assert.equal(await comparison('p95-latency').locator('[data-test="comparison-verdict"]').textContent(), 'fail');
    assert.equal(await stat('p95-latency', 'verdict'), 'fail');
    assert.equal(await stat('p95-latency', 'medians'), 'canary 95.3ms vs baseline 48.8ms (+95%)');
    assert.equal(await stat('p95-latency', 'test'), 'U = 812, p < 0.001 (exact, one-sided: a higher canary is worse)');
    assert.equal(await stat('p95-latency', 'effect'), "medians +95% · Cliff's δ 0.82 (large)");
    assert.equal(await stat('p95-latency', 'tolerance'), "10% of the baseline's median (bound 53.7ms)");
    assert.equal(await stat('p95-latency', 'weight'), '1 in the canary score · critical: failing it fails the step');
    assert.equal(await stat('p95-latency', 'samples'), 'canary 30 · baseline 30');

    assert.equal(await comparison('error-rate').locator('[data-test="comparison-line"]').textContent(), ERRORS_LINE);
    assert.equal(await stat('error-rate', 'verdict'), 'pass');
    assert.equal(await stat('error-rate', 'medians'), 'canary 0.4% vs baseline 0.42% (-4.8%)');
    assert.equal(await stat('error-rate', 'test'), 'U = 421.5, p = 0.64 (normal approximation, one-sided: a higher canary is worse)');
    assert.equal(await stat('error-rate', 'effect'), "medians -4.8% · Cliff's δ -0.063 (negligible)");
    assert.equal(await stat('error-rate', 'tolerance'), "20% of the baseline's median (bound 0.504%)");
    assert.equal(await stat('error-rate', 'weight'), '2 in the canary score');
    // The failed one is marked as such, in colour and in words.
    assert.equal(await comparison('p95-latency').getAttribute('class'), 'comparison fail');
    assert.equal(await comparison('error-rate').getAttribute('class'), 'comparison pass');
  });

  it('draws both distributions as box plots whose label and title say the numbers', async () => {
    await suite.panel.send({ kind: 'canary', canary: baselineCanary() });
    await comparison('p95-latency').waitFor();
    const box = async (metric) => comparison(metric).locator('svg.box-plot').evaluate((svg) => ({
      role: svg.getAttribute('role'), label: svg.getAttribute('aria-label'), title: svg.querySelector('title')?.textContent,
      tracks: [...svg.querySelectorAll('g.box')].map((g) => [g.dataset.track, g.querySelector('rect.iqr') !== null, g.querySelector('line.median')?.dataset.value]),
      tolerance: svg.querySelectorAll('line.tolerance').length,
      dash: getComputedStyle(svg.querySelector('g.baseline rect.iqr')).strokeDasharray,
    }));
    const p = await box('p95-latency');
    assert.equal(p.role, 'img');
    assert.equal(p.label, 'p95-latency distributions: canary median 95.3ms (quartiles 90ms to 101ms, range 81ms to 120ms, 30 samples); baseline median 48.8ms (quartiles 46ms to 52ms, range 41ms to 61ms, 30 samples); tolerance bound 53.7ms');
    assert.equal(p.title, p.label);
    assert.deepEqual(p.tracks, [['canary', true, '0.0953'], ['baseline', true, '0.0488']]);
    assert.equal(p.tolerance, 1, 'one-sided: one bound');
    assert.notEqual(p.dash, 'none', 'the baseline box is dashed');
    const e = await box('error-rate');
    assert.match(e.label, /^error-rate distributions: canary median 0\.4% \(.*30 samples\); baseline median 0\.42% \(.*30 samples\); tolerance bound 0\.504%$/);
  });

  it('draws both tracks\' samples on one chart with distinct lines and a legend', async () => {
    await suite.panel.send({ kind: 'canary', canary: baselineCanary() });
    await comparison('p95-latency').waitFor();
    const chart = await comparison('p95-latency').locator('figure.pair').evaluate((fig) => {
      const line = (track) => fig.querySelector(`polyline[data-track="${track}"]`);
      const style = (el) => ({ stroke: getComputedStyle(el).stroke, dash: getComputedStyle(el).strokeDasharray });
      return {
        label: fig.querySelector('svg').getAttribute('aria-label'),
        canary: line('canary').getAttribute('points').split(' ').length,
        baseline: line('baseline').getAttribute('points').split(' ').length,
        canaryStyle: style(line('canary')), baselineStyle: style(line('baseline')),
        legend: [...fig.querySelectorAll('.legend li')].map((li) => li.textContent),
      };
    });
    assert.match(chart.label, /^p95-latency over the compared window: canary latest \d+(\.\d+)?ms \(30 points\), baseline latest \d+(\.\d+)?ms \(30 points\)$/);
    assert.equal(chart.canary, 30);
    assert.equal(chart.baseline, 30);
    assert.notEqual(chart.canaryStyle.stroke, chart.baselineStyle.stroke, 'two colours');
    assert.equal(chart.canaryStyle.dash, 'none');
    assert.notEqual(chart.baselineStyle.dash, 'none', 'the baseline is dashed');
    assert.deepEqual(chart.legend, ['canary (new) · 30 samples', 'baseline (stable) · 30 samples']);
    assert.equal(await page().locator('[data-test="baseline"] figure.pair').count(), 2);
  });

  it('shows the canary score with its pass band, and each step\'s comparisons in the verdict list', async () => {
    await suite.panel.send({ kind: 'canary', canary: baselineCanary() });
    await comparison('p95-latency').waitFor();
    const score = page().locator('[data-test="baseline"] [data-test="canary-score"]');
    assert.equal(await score.locator('[data-test="canary-score-text"]').textContent(), 'Canary score 67 of 100 · passes at ≥ 95');
    assert.equal(await score.locator('.chip').textContent(), 'fail');
    assert.equal(await score.locator('svg.score-bar').getAttribute('aria-label'), 'Canary score 67 of 100 · passes at ≥ 95');
    assert.equal(await score.locator('svg.score-bar rect.fill').getAttribute('width'), '67');

    const steps = await page().locator('.verdicts .verdict').evaluateAll((els) => els.map((v) => ({
      score: v.querySelector('[data-test="canary-score-text"]')?.textContent,
      lines: [...v.querySelectorAll('[data-test="step-comparison"] .main')].map((m) => m.textContent),
      boxes: v.querySelectorAll('svg.box-plot.compact').length,
    })));
    assert.deepEqual(steps.map((s) => s.score), ['Canary score 100 of 100 · passes at ≥ 95', 'Canary score 67 of 100 · passes at ≥ 95']);
    assert.deepEqual(steps[1].lines, [P95_LINE, ERRORS_LINE]);
    assert.match(steps[0].lines[0], /^p95-latency: canary 49\.1 ms vs baseline 48\.8 ms/);
    assert.deepEqual(steps.map((s) => s.boxes), [2, 2]);
    assert.match(await page().locator('[data-test="step-comparison"]').nth(2).textContent(), /\(U = 812, p < 0\.001, Cliff's δ 0\.82\)/);
  });

  it('reports the explanation lines it shows to the host, again only when they change', async () => {
    await suite.panel.send({ kind: 'canary', canary: baselineCanary() });
    const reported = await suite.panel.next('canary-rendered');
    assert.deepEqual(reported, { kind: 'canary-rendered', target: 'production', failures: [], comparisons: [P95_LINE, ERRORS_LINE] });
    await suite.panel.send({ kind: 'canary', canary: baselineCanary() });
    await suite.panel.send({ kind: 'canary', canary: baselineCanary([p95()]) });
    const again = await suite.panel.next('canary-rendered', 1);
    assert.deepEqual(again.comparisons, [P95_LINE]);
    assert.equal((await suite.panel.posted('canary-rendered')).length, 2, 'the same view twice reports once');
  });

  it('shows a metric name and a line that look like markup as text', async () => {
    const name = '<img src=x onerror=alert(1)>';
    const line = `${name}: canary 95.3 ms vs baseline 48.8 ms (+95%, tolerance 10%), p < 0.001: fail <script>alert(2)</script>`;
    const view = baselineCanary([p95(name, line), errors()]);
    await suite.panel.send({ kind: 'canary', canary: { ...view, series: [{ gate: name, unit: 'seconds', points: samples(0.08, 0.02, 24) }, ...view.series] } });
    const hostile = page().locator('[data-test="comparison"]').first();
    await hostile.waitFor();
    assert.equal(await hostile.getAttribute('data-metric'), name);
    assert.equal(await hostile.locator('[data-test="comparison-metric"]').textContent(), name);
    assert.equal(await hostile.locator('[data-test="comparison-line"]').textContent(), line);
    assert.match(await hostile.locator('svg.box-plot').getAttribute('aria-label'), /^<img src=x onerror=alert\(1\)> distributions: canary median 95\.3ms/);
    assert.equal(await hostile.locator('figcaption').first().textContent(), `${name}: distributions`);
    assert.equal(await page().locator('.canary-tab img, .canary-tab script').count(), 0, 'set as text, never as markup');
    const reported = await suite.panel.next('canary-rendered');
    assert.deepEqual(reported.comparisons, [line, ERRORS_LINE]);
  });

  it('shows a comparison without data: no box, no chart, the line says why', async () => {
    const line = 'p95-latency: no baseline to compare with (compare: baseline judges a canary against its stable track)';
    const noData = { gate: 'p95-latency', verdict: 'inconclusive', against: { verdict: 'no-data', line, tolerance: 0.1, weight: 1, critical: false } };
    await suite.panel.send({ kind: 'canary', canary: baselineCanary([noData]) });
    await comparison('p95-latency').waitFor();
    assert.equal(await comparison('p95-latency').locator('[data-test="comparison-line"]').textContent(), line);
    assert.equal(await stat('p95-latency', 'verdict'), 'no-data');
    assert.equal(await comparison('p95-latency').locator('svg.box-plot').getAttribute('aria-label'), 'p95-latency distributions: canary: no samples; baseline: no samples');
    assert.equal(await comparison('p95-latency').locator('figure.pair').count(), 0);
    assert.equal(await comparison('p95-latency').locator('[data-test="stat-test"]').count(), 0);
  });

  it('shows a comparison in the incident timeline by its line (the timeline keeps the medians only)', async () => {
    const against = { verdict: 'fail', line: P95_LINE, tolerance: 0.1, p: 0.00002, u: 812, ratio: 1.953, canaryMedian: 0.0953, canarySamples: 30, baselineMedian: 0.0488, baselineSamples: 30 };
    const list = entries(3).map((e, i) => (i === 2 ? { ...e, type: 'gate-verdict', pass: false, text: 'Gate failed on production at step 2 of 5 (25%)', numbers: [{ gate: 'p95-latency', window: '5m', verdict: 'fail', against }] } : e));
    await suite.panel.send({ kind: 'incident', incident: incident(), entries: list });
    await suite.panel.next('rendered');
    const row = page().locator('.vrow', { hasText: 'Gate failed on production' });
    const text = await row.textContent();
    assert.ok(text.includes(`${P95_LINE} (window 5m)`), text);
  });
});

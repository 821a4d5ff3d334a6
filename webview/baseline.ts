// The canary judged against its baseline, explained: for each metric compared (compare: baseline)
// the line that says why, the Mann-Whitney U test's numbers, the effect size and the tolerance, a box
// plot of both distributions and both tracks' samples on one chart; and the round's canary score
// with its pass band. Every string from the host is set as text. `data-test` attributes are for tests.

import type { AgainstView, GateNumbersView, ScoreView, VerdictView } from '../src/shared/protocol';
import { boxPlot, toleranceBounds } from './boxplot';
import { h, s } from './dom';
import { deltaSize, formatValue, guessUnit, plain, pValue, signedPercent, type Unit } from './format';
import { pairChart } from './pair-chart';

type Compared = GateNumbersView & { readonly against: AgainstView };

const CHIP: Readonly<Record<string, string>> = { pass: 'pass', fail: 'fail', marginal: 'inconclusive', 'no-data': 'inconclusive', inconclusive: 'inconclusive' };

const ALTERNATIVE: Readonly<Record<string, string>> = {
  greater: 'one-sided: a higher canary is worse',
  less: 'one-sided: a lower canary is worse',
  'two-sided': 'two-sided',
};

const METHOD: Readonly<Record<string, string>> = { exact: 'exact', normal: 'normal approximation' };

export const compared = (v: VerdictView): Compared[] => v.numbers.filter((n): n is Compared => n.against !== undefined);

/** The unit of a compared metric: its chart's, else what its name and medians suggest. */
function unitOf(n: Compared, units: ReadonlyMap<string, Unit>): Unit {
  return units.get(n.gate) ?? guessUnit(n.gate, [n.against.canary?.median ?? n.against.canaryMedian, n.against.baseline?.median ?? n.against.baselineMedian]);
}

const chip = (verdict: string, test?: string) => h('span', { class: `chip ${CHIP[verdict] ?? ''}`, text: verdict, ...(test ? { attrs: { 'data-test': test } } : {}) });
const percent = (fraction: number) => `${plain(fraction * 100)}%`;
const uValue = (u: number) => String(Math.round(u * 10) / 10);

/** The test's numbers in one short line: "U = 812, p < 0.001, Cliff's δ 0.82". */
function testShort(a: AgainstView): string {
  return [a.u !== undefined ? `U = ${uValue(a.u)}` : undefined, a.p !== undefined ? pValue(a.p) : undefined,
    a.cliffsDelta !== undefined ? `Cliff's δ ${plain(a.cliffsDelta, 2)}` : undefined].filter(Boolean).join(', ');
}

function stats(a: AgainstView, unit: Unit): HTMLElement {
  const v = (x: number) => formatValue(x, unit);
  const canaryMedian = a.canary?.median ?? a.canaryMedian;
  const baselineMedian = a.baseline?.median ?? a.baselineMedian;
  const rows: [string, string, string | Node][] = [];
  rows.push(['Verdict', 'stat-verdict', chip(a.verdict)]);
  if (canaryMedian !== undefined && baselineMedian !== undefined) {
    rows.push(['Medians', 'stat-medians', `canary ${v(canaryMedian)} vs baseline ${v(baselineMedian)}${a.ratio !== undefined ? ` (${signedPercent(a.ratio)})` : ''}`]);
  }
  if (a.u !== undefined || a.p !== undefined) {
    const how = [a.method ? (METHOD[a.method] ?? a.method) : undefined, a.alternative ? (ALTERNATIVE[a.alternative] ?? a.alternative) : undefined].filter(Boolean).join(', ');
    rows.push(['Mann-Whitney U', 'stat-test', `${[a.u !== undefined ? `U = ${uValue(a.u)}` : undefined, a.p !== undefined ? pValue(a.p) : undefined].filter(Boolean).join(', ')}${how ? ` (${how})` : ''}`]);
  }
  const effect = [a.ratio !== undefined ? `medians ${signedPercent(a.ratio)}` : undefined,
    a.cliffsDelta !== undefined ? `Cliff's δ ${plain(a.cliffsDelta, 2)} (${deltaSize(a.cliffsDelta)})` : undefined].filter(Boolean).join(' · ');
  if (effect) rows.push(['Effect size', 'stat-effect', effect]);
  const bounds = toleranceBounds(a);
  rows.push(['Tolerance', 'stat-tolerance', `${percent(a.tolerance)} of the baseline's median${bounds.length > 0 ? ` (bound ${bounds.map(v).join(' and ')})` : ''}`]);
  if (a.weight !== undefined || a.critical) {
    rows.push(['Weight', 'stat-weight', `${a.weight !== undefined ? plain(a.weight) : '1'} in the canary score${a.critical ? ' · critical: failing it fails the step' : ''}`]);
  }
  const n = (x: number | undefined) => (x === undefined ? '?' : String(x));
  const canaryN = a.canary?.n ?? a.canarySamples;
  const baselineN = a.baseline?.n ?? a.baselineSamples;
  if (canaryN !== undefined || baselineN !== undefined) rows.push(['Samples', 'stat-samples', `canary ${n(canaryN)} · baseline ${n(baselineN)}`]);
  return h('dl', { class: 'facts stats' }, ...rows.flatMap(([term, test, value]) => [h('dt', { text: term }), h('dd', { attrs: { 'data-test': test } }, value)]));
}

/** One compared metric of the latest step, in full. */
function comparison(n: Compared, unit: Unit): HTMLElement {
  const a = n.against;
  return h('article', { class: `comparison ${CHIP[a.verdict] ?? ''}`, attrs: { 'data-test': 'comparison', 'data-metric': n.gate, 'data-verdict': a.verdict, 'aria-label': `${n.gate} against the baseline: ${a.verdict}` } },
    h('h3', {}, chip(a.verdict, 'comparison-verdict'), ' ', h('span', { text: n.gate, attrs: { 'data-test': 'comparison-metric' } }),
      a.critical ? h('span', { class: 'muted', text: ' · critical' }) : ''),
    h('p', { class: 'explanation', text: a.line, attrs: { 'data-test': 'comparison-line' } }),
    h('div', { class: 'comparison-body' },
      stats(a, unit),
      h('div', { class: 'plots' },
        h('figure', { class: 'series box' }, h('figcaption', { text: `${n.gate}: distributions` }), boxPlot(n.gate, a, unit)),
        n.series ? pairChart(n.gate, n.series, unit) : '')));
}

/** The canary score against its pass band, as words and a bar with the band's edge marked. */
export function scoreLine(score: ScoreView, compact = false): HTMLElement {
  const value = score.value !== undefined ? `${plain(score.value)} of 100` : 'none (nothing could be scored)';
  const band = score.pass !== undefined ? ` · passes at ≥ ${plain(score.pass)}` : '';
  const words = `Canary score ${value}${band}`;
  const bar = s('svg', { class: 'score-bar', attrs: { viewBox: '0 0 100 8', role: 'img', 'aria-label': words, preserveAspectRatio: 'none' } },
    s('rect', { class: 'track', attrs: { x: '0', y: '0', width: '100', height: '8' } }));
  if (score.value !== undefined) bar.append(s('rect', { class: `fill ${CHIP[score.verdict] ?? ''}`, attrs: { x: '0', y: '0', width: String(Math.max(0, Math.min(100, score.value))), height: '8' } }));
  if (score.pass !== undefined) bar.append(s('line', { class: 'band', attrs: { x1: String(score.pass), y1: '0', x2: String(score.pass), y2: '8' } }));
  return h(compact ? 'span' : 'div', { class: 'score', attrs: { 'data-test': 'canary-score' } },
    h('span', { text: words, attrs: { 'data-test': 'canary-score-text' } }), ' ', chip(score.verdict), compact ? '' : bar);
}

/** The section on the latest step judged against the baseline; false when no step compared a metric. */
export function baselineSection(verdicts: readonly VerdictView[], units: ReadonlyMap<string, Unit>, when: (iso: string) => string): HTMLElement | false {
  const latest = [...verdicts].reverse().find((v) => compared(v).length > 0);
  if (!latest) return false;
  return h('section', { class: 'baseline', attrs: { 'aria-label': 'Canary against baseline', 'data-test': 'baseline' } },
    h('h2', { text: 'Canary against baseline' }),
    h('p', { class: 'muted', text: `Step ${latest.step} (${latest.weight}%)${latest.at ? ` · ${when(latest.at)}` : ''} · each metric's canary samples against stable's, by a Mann-Whitney U test` }),
    latest.score && scoreLine(latest.score),
    ...compared(latest).map((n) => comparison(n, unitOf(n, units))));
}

/** A compared metric in a step's list of numbers: its line, the test in short, a small box plot. */
export function comparisonItem(n: Compared, units: ReadonlyMap<string, Unit>): HTMLElement {
  const a = n.against;
  const short = testShort(a);
  return h('li', { class: `compared ${CHIP[a.verdict] ?? ''}`, attrs: { 'data-test': 'step-comparison', 'data-metric': n.gate } },
    chip(a.verdict), ' ', h('span', { class: 'main', text: a.line }), short ? h('span', { class: 'muted', text: ` (${short})` }) : '',
    a.canary || a.baseline ? boxPlot(n.gate, a, unitOf(n, units), true) : '');
}

/** The explanation lines the page shows for the latest comparisons, for the `canary-rendered` report. */
export function shownComparisons(root: Element): string[] {
  return [...root.querySelectorAll('[data-test="comparison-line"]')].map((el) => el.textContent ?? '');
}

// The canary tab of an argo-rollout target: the Rollout's phase and message, its steps with the current
// one marked, the weights, the stable and canary ReplicaSets, and every AnalysisRun as a block (the
// failure line first, then a table of its metrics: provider, conditions, limits, counts, measurements).
// Every string came from the cluster: it is set as text. `data-test` attributes are for the tests.

import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { AnalysisRunPanelView, MetricPanelView, RolloutPanelView, RolloutSetPanelView } from '../src/shared/protocol';
import { h } from './dom';

const PHASE_CLASS: Readonly<Record<string, string>> = {
  Healthy: 'pass', Successful: 'pass', Progressing: 'running', Running: 'running', Pending: 'running',
  Paused: 'warn', Inconclusive: 'warn', Degraded: 'fail', Failed: 'fail', Error: 'fail',
};

const CHIP_CLASS: Readonly<Record<string, string>> = { Successful: 'pass', Failed: 'fail', Error: 'fail', Inconclusive: 'inconclusive' };

/** The Rollout's phase as a badge: `Degraded`, coloured as the deploy outcomes are. */
export function phaseBadge(phase: string): HTMLElement {
  const badge = document.createElement('vscode-badge');
  badge.className = `outcome ${PHASE_CLASS[phase] ?? ''}`;
  badge.textContent = phase;
  badge.setAttribute('aria-label', `Rollout phase ${phase}`);
  badge.dataset['test'] = 'rollout-phase';
  return badge;
}

function steps(r: RolloutPanelView): HTMLElement {
  const items = r.steps.map((s, i) => {
    const li = h('li', { class: `step ${s.state}`, attrs: { 'data-test': 'rollout-step-item', 'aria-label': `Step ${i + 1} of ${r.steps.length}, ${s.text}, ${s.state}` } },
      h('span', { class: 'dot', attrs: { 'aria-hidden': 'true' } }), h('span', { text: s.text }));
    if (s.state === 'current') li.setAttribute('aria-current', 'step');
    return li;
  });
  const bar = h('div', { class: 'weight-bar', attrs: { role: 'progressbar', 'aria-label': 'Canary traffic weight', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(r.actualWeight) } },
    h('div', { class: 'weight-fill' }));
  (bar.firstElementChild as HTMLElement).style.transform = `scaleX(${Math.max(0, Math.min(100, r.actualWeight)) / 100})`;
  const set = r.setWeight !== r.actualWeight ? ` (the step sets ${r.setWeight}%)` : '';
  return h('section', { class: 'progress', attrs: { 'aria-label': 'Rollout steps' } },
    h('p', { class: 'step-of', text: r.stepLine, attrs: { 'data-test': 'rollout-step' } }),
    items.length > 0 && h('ol', { class: 'steps' }, ...items),
    r.strategy === 'canary' && bar,
    h('p', { class: 'muted', text: `${r.actualWeight}% of traffic on the canary${set}`, attrs: { 'data-test': 'rollout-weights' } }));
}

function sets(r: RolloutPanelView): HTMLElement {
  const row = (label: string, rs: RolloutSetPanelView | undefined, test: string): HTMLElement[] => [
    h('dt', { text: label }),
    h('dd', { attrs: { 'data-test': test } },
      ...(rs ? [h('code', { text: rs.name }), ` (${rs.images.join(', ')})`, rs.revision !== undefined ? ` · revision ${rs.revision}` : '', ` · ready ${rs.ready}/${rs.replicas}`] : [h('span', { class: 'muted', text: 'none' })])),
  ];
  return h('dl', { class: 'facts tracks' }, ...row('Stable', r.stable, 'rollout-stable'), ...row('Canary', r.canary, 'rollout-canary'));
}

function measurements(m: MetricPanelView): HTMLElement {
  if (m.measurements.length === 0) return h('span', { class: 'muted', text: 'none yet' });
  return h('ul', { class: 'numbers' }, ...m.measurements.map((x) =>
    h('li', { class: CHIP_CLASS[x.phase] === 'fail' ? 'fail' : CHIP_CLASS[x.phase] === 'pass' ? 'pass' : '', attrs: { 'data-test': 'measurement' } },
      h('span', { class: 'main', text: x.value ?? '(no value)' }), ` ${x.phase}`, x.message ? h('span', { class: 'muted', text: ` (${x.message})` }) : '')));
}

function metricRow(m: MetricPanelView): HTMLElement {
  const cell = (test: string, ...children: (Node | string)[]) => h('td', { attrs: { 'data-test': test } }, ...children);
  return h('tr', { attrs: { 'data-metric': m.name } },
    h('th', { attrs: { scope: 'row', 'data-test': 'metric-name' }, text: m.name }),
    cell('metric-provider', h('code', { text: m.provider })),
    cell('metric-phase', m.phase ?? 'Pending', m.message ? h('div', { class: 'muted', text: m.message }) : ''),
    cell('metric-success-condition', m.successCondition ? h('code', { text: m.successCondition }) : '—'),
    cell('metric-failure-condition', m.failureCondition ? h('code', { text: m.failureCondition }) : '—'),
    cell('metric-failure-limit', m.failureLimit ?? '0', m.inconclusiveLimit !== undefined ? ` (inconclusive ${m.inconclusiveLimit})` : ''),
    cell('metric-counts', m.counts),
    cell('metric-measurements', measurements(m)));
}

function run(a: AnalysisRunPanelView): HTMLElement {
  const chip = CHIP_CLASS[a.phase] ?? '';
  const where = [a.type, a.step !== undefined ? `step ${a.step}` : undefined, a.revision !== undefined ? `revision ${a.revision}` : undefined].filter((x): x is string => x !== undefined);
  const head = ['Metric', 'Provider', 'Phase', 'Success condition', 'Failure condition', 'Failure limit', 'Counts', 'Measurements'];
  return h('div', { class: `verdict analysis-run ${chip}`, attrs: { 'data-test': 'analysis-run', 'data-run': a.name, 'data-phase': a.phase } },
    h('p', {}, h('span', { class: `chip ${chip}`, text: a.phase, attrs: { 'data-test': 'analysis-phase' } }), ' ',
      h('strong', { text: a.name, attrs: { 'data-test': 'analysis-name' } }), where.length > 0 ? h('span', { class: 'muted', text: ` · ${where.join(' · ')}` }) : ''),
    a.failure && h('p', { class: 'note analysis-failure', text: a.failure, attrs: { 'data-test': 'analysis-failure' } }),
    a.message && h('p', { class: 'muted', text: a.message, attrs: { 'data-test': 'analysis-message' } }),
    a.metrics.length > 0 && h('table', { class: 'metrics', attrs: { 'data-test': 'analysis-metrics', 'aria-label': `Metrics of ${a.name}` } },
      h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { text: t, attrs: { scope: 'col' } })))),
      h('tbody', {}, ...a.metrics.map(metricRow))));
}

/** The Rollout section of the canary tab. */
export function rolloutSection(r: RolloutPanelView): HTMLElement {
  return h('section', { class: 'rollout', attrs: { 'data-test': 'rollout', 'aria-label': `Argo Rollout ${r.name}` } },
    h('p', { class: 'phase' }, 'Phase: ', h('strong', { text: r.phase }), r.message ? h('span', { text: ` - ${r.message}`, attrs: { 'data-test': 'rollout-message' } }) : '',
      r.aborted ? h('span', { class: 'muted', text: ' · aborted: Retry or Undo with Argo Rollout Action…' }) : '',
      r.awaitingPromotion && !r.aborted ? h('span', { class: 'muted', text: ' · waiting for Promote' }) : ''),
    r.failure && h('p', { class: 'note', attrs: { role: 'alert', 'data-test': 'rollout-failure' } }, h('span', { class: 'chip fail', text: 'analysis failed' }), ' ', r.failure),
    steps(r),
    sets(r),
    h('section', { class: 'verdicts', attrs: { 'aria-label': 'Analysis runs' } },
      h('h2', { text: 'Analysis runs' }),
      r.analysisRuns.length === 0 ? h('p', { class: 'muted', text: 'No AnalysisRun for this Rollout.' }) : '',
      ...r.analysisRuns.map(run)));
}

/** The failure lines as the page shows them, for the `canary-rendered` report. */
export function shownFailures(root: Element): string[] {
  return [...root.querySelectorAll('[data-test="analysis-failure"]')].map((el) => el.textContent ?? '');
}

// The samples a comparison judged, both tracks on one SVG chart: the canary as a solid line, the
// baseline as a dashed one, a legend under it, min/max labels on both axes in the metric's unit.

import type { ComparedSeriesView } from '../src/shared/protocol';
import { h, s } from './dom';
import { formatValue, utcShort, type Unit } from './format';

const W = 320;
const H = 130;
const PAD = { left: 48, right: 8, top: 8, bottom: 20 };

type Points = readonly (readonly [number, number])[];

const f = (v: number): string => String(Math.round(v * 10) / 10);
const finite = (points: Points): Points => points.filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v));

function legend(canary: Points, baseline: Points): HTMLElement {
  const item = (track: 'canary' | 'baseline', words: string, points: Points) =>
    h('li', { attrs: { 'data-track': track } }, h('span', { class: `swatch ${track}`, attrs: { 'aria-hidden': 'true' } }), `${words} · ${points.length} samples`);
  return h('ul', { class: 'legend', attrs: { 'aria-label': 'Legend' } }, item('canary', 'canary (new)', canary), item('baseline', 'baseline (stable)', baseline));
}

/** The figure: a caption, the chart (its aria-label says the latest values) and the legend. */
export function pairChart(gate: string, series: ComparedSeriesView, unit: Unit): HTMLElement {
  const canary = finite(series.canary);
  const baseline = finite(series.baseline);
  const last = (points: Points) => points[points.length - 1]?.[1];
  const latest = (name: string, points: Points) => {
    const v = last(points);
    return v === undefined ? `${name}: no samples` : `${name} latest ${formatValue(v, unit)} (${points.length} points)`;
  };
  const describe = `${gate} over the compared window: ${latest('canary', canary)}, ${latest('baseline', baseline)}`;
  const svg = s('svg', { class: 'chart pair-chart', attrs: { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': describe, 'data-test': 'pair-chart' } },
    s('title', { text: describe }));

  const all = [...canary, ...baseline];
  const values = all.map(([, v]) => v);
  const times = all.map(([t]) => t);
  let t0 = Math.min(...times);
  let t1 = Math.max(...times);
  let lo = Math.min(0, ...values);
  let hi = Math.max(...values);
  if (!all.length) {
    t0 = 0; t1 = 1; lo = 0; hi = 1;
  }
  if (t1 === t0) t1 = t0 + 1;
  if (hi <= lo) hi = lo + 1;
  hi += (hi - lo) * 0.1;
  if (unit === 'ratio' && lo >= 0 && hi > 1) hi = Math.max(1, Math.min(hi, 1.05));

  const x = (t: number): number => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number): number => H - PAD.bottom - ((v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);

  svg.append(
    s('line', { class: 'axis', attrs: { x1: f(PAD.left), y1: f(PAD.top), x2: f(PAD.left), y2: f(H - PAD.bottom) } }),
    s('line', { class: 'axis', attrs: { x1: f(PAD.left), y1: f(H - PAD.bottom), x2: f(W - PAD.right), y2: f(H - PAD.bottom) } }),
    s('text', { class: 'label', text: formatValue(hi, unit), attrs: { x: f(PAD.left - 4), y: f(PAD.top + 8), 'text-anchor': 'end' } }),
    s('text', { class: 'label', text: formatValue(lo, unit), attrs: { x: f(PAD.left - 4), y: f(H - PAD.bottom), 'text-anchor': 'end' } }),
  );
  if (all.length) {
    svg.append(
      s('text', { class: 'label', text: utcShort(t0), attrs: { x: f(PAD.left), y: f(H - 4), 'text-anchor': 'start' } }),
      s('text', { class: 'label', text: utcShort(t1), attrs: { x: f(W - PAD.right), y: f(H - 4), 'text-anchor': 'end' } }),
    );
  } else {
    svg.append(s('text', { class: 'label', text: 'no samples', attrs: { x: f((W + PAD.left) / 2), y: f(H / 2), 'text-anchor': 'middle' } }));
  }
  // The baseline first, so the canary's line is drawn over it where they cross.
  for (const [track, points] of [['baseline', baseline], ['canary', canary]] as const) {
    if (!points.length) continue;
    svg.append(s('polyline', { class: `series-${track}`, attrs: { 'data-track': track, points: points.map(([t, v]) => `${f(x(t))},${f(y(v))}`).join(' ') } }));
    const [lt, lv] = points[points.length - 1] ?? [t1, 0];
    svg.append(s('circle', { class: `end ${track}`, attrs: { cx: f(x(lt)), cy: f(y(lv)), r: '2.5' } }));
  }
  return h('figure', { class: 'series pair' }, h('figcaption', { text: `${gate}: canary and baseline samples` }), svg, legend(canary, baseline));
}

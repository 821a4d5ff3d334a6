// A small SVG line chart for one gated metric: its points over time, the gate's threshold as a
// dashed line, min/max labels on both axes in the series' unit. Plain SVG, built with createElementNS.

import type { SeriesView } from '../src/shared/protocol';
import { h, s } from './dom';
import { formatValue, utcShort } from './format';

const W = 320;
const H = 120;
const PAD = { left: 48, right: 8, top: 8, bottom: 20 };

const f = (v: number): string => String(Math.round(v * 10) / 10);

export function chart(series: SeriesView): HTMLElement {
  const points = series.points.filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v));
  const values = points.map(([, v]) => v);
  const last = values[values.length - 1];
  const describe = [
    `${series.gate} over time`,
    last !== undefined ? `latest ${formatValue(last, series.unit)}` : 'no data yet',
    series.threshold !== undefined ? `threshold ${series.comparison ?? ''} ${formatValue(series.threshold, series.unit)}`.replace('  ', ' ') : undefined,
    `${points.length} points`,
  ].filter(Boolean).join(', ');
  const svg = s('svg', { class: 'chart', attrs: { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': describe } },
    s('title', { text: describe }));
  const figure = h('figure', { class: 'series' }, h('figcaption', { text: series.gate }), svg);

  const times = points.map(([t]) => t);
  let t0 = Math.min(...times);
  let t1 = Math.max(...times);
  let lo = Math.min(0, ...values, series.threshold ?? 0);
  let hi = Math.max(...values, series.threshold ?? -Infinity);
  if (!points.length) {
    t0 = 0; t1 = 1; hi = series.threshold !== undefined ? series.threshold * 1.5 || 1 : 1;
  }
  if (t1 === t0) t1 = t0 + 1;
  if (hi <= lo) hi = lo + 1;
  hi += (hi - lo) * 0.1; // headroom above the highest point or the threshold
  if (series.unit === 'ratio' && lo >= 0 && hi > 1) hi = Math.max(1, Math.min(hi, 1.05));
  lo = Math.min(lo, 0);

  const x = (t: number): number => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number): number => H - PAD.bottom - ((v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);

  svg.append(
    s('line', { class: 'axis', attrs: { x1: f(PAD.left), y1: f(PAD.top), x2: f(PAD.left), y2: f(H - PAD.bottom) } }),
    s('line', { class: 'axis', attrs: { x1: f(PAD.left), y1: f(H - PAD.bottom), x2: f(W - PAD.right), y2: f(H - PAD.bottom) } }),
    s('text', { class: 'label', text: formatValue(hi, series.unit), attrs: { x: f(PAD.left - 4), y: f(PAD.top + 8), 'text-anchor': 'end' } }),
    s('text', { class: 'label', text: formatValue(lo, series.unit), attrs: { x: f(PAD.left - 4), y: f(H - PAD.bottom), 'text-anchor': 'end' } }),
  );
  if (points.length) {
    svg.append(
      s('text', { class: 'label', text: utcShort(t0), attrs: { x: f(PAD.left), y: f(H - 4), 'text-anchor': 'start' } }),
      s('text', { class: 'label', text: utcShort(t1), attrs: { x: f(W - PAD.right), y: f(H - 4), 'text-anchor': 'end' } }),
    );
  } else {
    svg.append(s('text', { class: 'label', text: 'no data yet', attrs: { x: f((W + PAD.left) / 2), y: f(H / 2), 'text-anchor': 'middle' } }));
  }
  if (series.threshold !== undefined) {
    const ty = f(y(series.threshold));
    svg.append(
      s('line', { class: 'threshold', attrs: { x1: f(PAD.left), y1: ty, x2: f(W - PAD.right), y2: ty } }),
      s('text', { class: 'label threshold-label', text: formatValue(series.threshold, series.unit), attrs: { x: f(W - PAD.right - 2), y: f(Number(ty) - 3), 'text-anchor': 'end' } }),
    );
  }
  if (points.length) {
    const breach = (v: number): boolean => series.threshold !== undefined
      && (series.comparison?.startsWith('>') ? v < series.threshold : v > series.threshold);
    svg.append(s('polyline', { class: 'line', attrs: { points: points.map(([t, v]) => `${f(x(t))},${f(y(v))}`).join(' ') } }));
    const [lt, lv] = points[points.length - 1] ?? [t1, 0];
    svg.append(s('circle', { class: `dot${breach(lv) ? ' breach' : ''}`, attrs: { cx: f(x(lt)), cy: f(y(lv)), r: '3' } }));
  }
  return figure;
}

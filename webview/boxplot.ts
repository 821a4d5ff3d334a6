// A box plot of a compared metric: the canary's and the baseline's distributions (min, quartiles,
// median, max) on one scale, with the bound the tolerance sets on the canary's median as a dashed
// line. Plain SVG built with createElementNS; its aria-label and <title> say the numbers.

import type { AgainstView, SummaryView } from '../src/shared/protocol';
import { s } from './dom';
import { formatValue, type Unit } from './format';

const W = 320;
const PAD = { left: 58, right: 10, top: 6 };

const f = (v: number): string => String(Math.round(v * 10) / 10);

const isSummary = (x: SummaryView | undefined): x is SummaryView =>
  x !== undefined && [x.n, x.min, x.q1, x.median, x.q3, x.max].every((v) => typeof v === 'number' && Number.isFinite(v));

/** Where the canary's median may go before it counts as worse: the baseline's median moved by the tolerance. */
export function toleranceBounds(a: AgainstView): number[] {
  const m = isSummary(a.baseline) ? a.baseline.median : undefined;
  if (m === undefined || !Number.isFinite(a.tolerance)) return [];
  const up = m * (1 + a.tolerance);
  const down = m * (1 - a.tolerance);
  if (a.alternative === 'greater') return [up];
  if (a.alternative === 'less') return [down];
  return a.alternative === 'two-sided' ? [down, up] : [];
}

function describe(gate: string, a: AgainstView, unit: Unit, bounds: readonly number[]): string {
  const v = (x: number) => formatValue(x, unit);
  const one = (name: string, x: SummaryView | undefined) => isSummary(x)
    ? `${name} median ${v(x.median)} (quartiles ${v(x.q1)} to ${v(x.q3)}, range ${v(x.min)} to ${v(x.max)}, ${x.n} samples)`
    : `${name}: no samples`;
  const tolerance = bounds.length > 0 ? `; tolerance bound ${bounds.map(v).join(' and ')}` : '';
  return `${gate} distributions: ${one('canary', a.canary)}; ${one('baseline', a.baseline)}${tolerance}`;
}

/** Both distributions of `a`, canary above baseline; `compact` for a step in the verdict list. */
export function boxPlot(gate: string, a: AgainstView, unit: Unit, compact = false): SVGSVGElement {
  const rowH = compact ? 16 : 28;
  const boxH = compact ? 9 : 16;
  const axisH = 16;
  const H = PAD.top + rowH * 2 + axisH;
  const bounds = toleranceBounds(a);
  const label = describe(gate, a, unit, bounds);
  const svg = s('svg', { class: `box-plot${compact ? ' compact' : ''}`, attrs: { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, 'data-test': 'box-plot' } },
    s('title', { text: label }));
  const rows = [['canary', a.canary], ['baseline', a.baseline]] as const;
  const values = [...rows.flatMap(([, x]) => (isSummary(x) ? [x.min, x.max] : [])), ...bounds];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!values.length) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const margin = (hi - lo) * 0.04;
  lo -= margin;
  hi += margin;
  const x = (v: number): number => PAD.left + ((v - lo) / (hi - lo)) * (W - PAD.left - PAD.right);
  const axisY = PAD.top + rowH * 2;

  svg.append(s('line', { class: 'axis', attrs: { x1: f(PAD.left), y1: f(axisY), x2: f(W - PAD.right), y2: f(axisY) } }));
  if (values.length) {
    svg.append(
      s('text', { class: 'label', text: formatValue(lo + margin, unit), attrs: { x: f(x(lo + margin)), y: f(H - 3), 'text-anchor': 'start' } }),
      s('text', { class: 'label', text: formatValue(hi - margin, unit), attrs: { x: f(x(hi - margin)), y: f(H - 3), 'text-anchor': 'end' } }),
    );
  }
  rows.forEach(([name, sum], i) => {
    const mid = PAD.top + rowH * i + rowH / 2;
    const g = s('g', { class: `box ${name}`, attrs: { 'data-track': name } },
      s('text', { class: 'label track-label', text: name, attrs: { x: f(PAD.left - 6), y: f(mid + 3.5), 'text-anchor': 'end' } }));
    svg.append(g);
    if (!isSummary(sum)) {
      g.append(s('text', { class: 'label', text: 'no samples', attrs: { x: f(PAD.left + 4), y: f(mid + 3.5), 'text-anchor': 'start' } }));
      return;
    }
    const top = mid - boxH / 2;
    const bottom = mid + boxH / 2;
    g.append(
      s('line', { class: 'whisker', attrs: { x1: f(x(sum.min)), y1: f(mid), x2: f(x(sum.q1)), y2: f(mid) } }),
      s('line', { class: 'whisker', attrs: { x1: f(x(sum.q3)), y1: f(mid), x2: f(x(sum.max)), y2: f(mid) } }),
      s('line', { class: 'whisker', attrs: { x1: f(x(sum.min)), y1: f(top + 2), x2: f(x(sum.min)), y2: f(bottom - 2) } }),
      s('line', { class: 'whisker', attrs: { x1: f(x(sum.max)), y1: f(top + 2), x2: f(x(sum.max)), y2: f(bottom - 2) } }),
      s('rect', { class: 'iqr', attrs: { x: f(x(sum.q1)), y: f(top), width: f(Math.max(1, x(sum.q3) - x(sum.q1))), height: f(boxH) } }),
      s('line', { class: 'median', attrs: { x1: f(x(sum.median)), y1: f(top), x2: f(x(sum.median)), y2: f(bottom), 'data-value': String(sum.median) } }),
    );
  });
  for (const b of bounds) {
    svg.append(s('line', { class: 'tolerance', attrs: { x1: f(x(b)), y1: f(PAD.top), x2: f(x(b)), y2: f(axisY) } },
      s('title', { text: `tolerance bound ${formatValue(b, unit)}` })));
  }
  return svg;
}

// How the panel prints times, durations and gate numbers; pure functions, shared by both tabs.

import type { GateNumbersView } from '../src/shared/protocol';

export type Unit = 'ratio' | 'seconds' | 'number';

/** Milliseconds since the epoch, or undefined for a missing or unreadable ISO date. */
export function parseTime(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

/** HH:MM:SS in UTC (on-call teams across time zones read the same clock). */
export function utcTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** HH:MM in UTC, for chart axes. */
export function utcShort(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** A compact duration: 45s, 12m, 1h05m, 2d3h. */
export function shortDuration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

/** "+12m" after the incident was declared ("-3m" before it). */
export function sinceDeclared(at: number, declared: number): string {
  return `${at < declared ? '-' : '+'}${shortDuration(at - declared)}`;
}

/** A ticking clock: 4:05, or 1:02:03 past the hour. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

const trim = (v: number, digits = 3): string => String(Number(v.toPrecision(digits)));

/** A value in its unit: ratios as %, seconds as ms or s, anything else plain. */
export function formatValue(value: number, unit: Unit): string {
  if (unit === 'ratio') return `${trim(value * 100)}%`;
  if (unit === 'seconds') return Math.abs(value) < 1 ? `${trim(value * 1000)}ms` : `${trim(value)}s`;
  return trim(value, 4);
}

/** The unit a gate's name suggests, when the host did not say (timeline entries carry no unit). */
export function guessUnit(gate: string, values: readonly (number | undefined)[]): Unit {
  const name = gate.toLowerCase();
  if (/latency|duration|seconds|p\d\d|response.?time|_s$/.test(name)) return 'seconds';
  const inUnit = values.every((v) => v === undefined || (v >= 0 && v <= 1));
  if (inUnit && /rate|ratio|error|availability|success|percent|fraction|5xx|4xx/.test(name)) return 'ratio';
  return 'number';
}

/** The relation between a value and its threshold as it stands: >, < or =. */
function relation(value: number, threshold: number): string {
  if (value > threshold) return '>';
  if (value < threshold) return '<';
  return '=';
}

const REQUIRED: Readonly<Record<string, string>> = { '<=': '≤', '<': '<', '>=': '≥', '>': '>', '==': '=' };

/** The parts of one gate's numbers line: "error-rate 7.9% > 1%" and "limit ≤ 1% · window 5m · baseline 0.4%" (a comparison: its line). */
export function gateLine(n: GateNumbersView, unit?: Unit): { main: string; detail: string } {
  // A metric judged against its baseline has no bound of its own: its line explains it.
  if (n.against) return { main: n.against.line, detail: n.window ? `window ${n.window}` : '' };
  const u = unit ?? guessUnit(n.gate, [n.value, n.threshold, n.baseline]);
  let main = n.gate;
  if (n.value !== undefined) main += ` ${formatValue(n.value, u)}`;
  if (n.value !== undefined && n.threshold !== undefined) main += ` ${relation(n.value, n.threshold)} ${formatValue(n.threshold, u)}`;
  else if (n.threshold !== undefined) main += ` (limit ${formatValue(n.threshold, u)})`;
  const detail: string[] = [];
  if (n.threshold !== undefined && n.comparison) detail.push(`must be ${REQUIRED[n.comparison] ?? n.comparison} ${formatValue(n.threshold, u)}`);
  if (n.window) detail.push(`window ${n.window}`);
  if (n.baseline !== undefined) detail.push(`baseline ${formatValue(n.baseline, u)}`);
  return { main, detail: detail.join(' · ') };
}

/** A p-value as the engine's lines print it: p < 0.001 when tiny. */
export function pValue(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`;
}

/** The canary's median against the baseline's as a signed change: +95%, -4.8%, ±0%. */
export function signedPercent(ratio: number): string {
  const raw = (ratio - 1) * 100;
  const change = Math.abs(raw) < 10 ? Math.round(raw * 10) / 10 : Math.round(raw);
  return change === 0 ? '±0%' : `${change > 0 ? '+' : ''}${change}%`;
}

/** Cliff's delta in words (Romano et al.'s thresholds): negligible, small, medium or large. */
export function deltaSize(delta: number): string {
  const d = Math.abs(delta);
  return d < 0.147 ? 'negligible' : d < 0.33 ? 'small' : d < 0.474 ? 'medium' : 'large';
}

/** A plain number, trimmed: 812, 812.5, 0.82. */
export function plain(value: number, digits = 3): string {
  return trim(value, digits);
}

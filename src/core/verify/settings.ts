// A target's verification settings with every default decided: the Prometheus to ask, the health
// endpoint groups, the metric gates with their queries built, the limits and the emergency steps.

import type { HealthEndpointConfig, HotfixConfigFile, MetricGateConfig, NoDataPolicy, TargetConfig } from '../config/types';
import { parseDuration } from '../config/duration';
import type { CompareRule } from './stats/compare';
import { DEFAULT_BANDS, type ScoreBands } from './stats/score';

export interface HealthEndpoint {
  readonly name: string;
  readonly url: string;
  readonly expectStatus: number;
  readonly bodyMatch?: string;
  readonly timeoutMs: number;
  readonly failureThreshold: number;
}

export interface MetricGate {
  readonly name: string;
  readonly kind: 'error-rate' | 'latency' | 'promql';
  /** The query with `{{selector}}` where the label matchers go (the track is added during a canary). */
  readonly template: string;
  readonly selector: string;
  readonly window: string;
  readonly max?: number;
  readonly min?: number;
  readonly noData: NoDataPolicy;
  /** Judged against the baseline's samples (compare: baseline). */
  readonly compare?: CompareGate;
}

/** How a metric is compared with its baseline, every default decided. */
export interface CompareGate {
  readonly rule: CompareRule;
  readonly weight: number;
  readonly critical: boolean;
  readonly stepS: number;
  readonly lookbackMs: number;
}

export interface VerifySettings {
  readonly prometheusUrl?: string;
  readonly prometheusTimeoutMs: number;
  readonly health: Readonly<Record<string, readonly HealthEndpoint[]>>;
  readonly metrics: readonly MetricGate[];
  readonly failureLimit: number;
  readonly inconclusiveLimit: number;
  readonly scoreBands: ScoreBands;
  readonly intervalMs: number;
  readonly trackLabel: string;
  readonly emergency?: { readonly steps?: readonly number[]; readonly pauseMs?: number };
}

const ms = (text: string | undefined, fallback: number): number => (text !== undefined ? parseDuration(text) : undefined) ?? fallback;

export const SELECTOR = '{{selector}}';

/** The PromQL of a gate, with `{{selector}}` for the label matchers. */
export function gateTemplate(gate: MetricGateConfig): string {
  const window = gate.window ?? '1m';
  const kind = gate.kind ?? (gate.query !== undefined ? 'promql' : 'error-rate');
  if (kind === 'promql') return gate.query ?? '';
  if (kind === 'latency') {
    const histogram = gate.histogram ?? 'http_request_duration_seconds';
    return `histogram_quantile(${gate.quantile ?? 0.95}, sum by (le) (rate(${histogram}_bucket{${SELECTOR}}[${window}])))`;
  }
  const metric = gate.metric ?? 'http_requests_total';
  return `sum(rate(${metric}{${SELECTOR},code=~"5.."}[${window}])) / sum(rate(${metric}{${SELECTOR}}[${window}]))`;
}

function endpoint(raw: HealthEndpointConfig): HealthEndpoint {
  return {
    name: raw.name ?? raw.url,
    url: raw.url,
    expectStatus: raw.expectStatus ?? 200,
    timeoutMs: ms(raw.timeout, 5000),
    failureThreshold: raw.failureThreshold ?? 3,
    ...(raw.bodyMatch !== undefined ? { bodyMatch: raw.bodyMatch } : {}),
  };
}

export function resolveVerify(config: HotfixConfigFile, raw: TargetConfig): VerifySettings {
  const verify = raw.verify ?? {};
  const prometheusUrl = verify.prometheus ?? config.prometheus?.url;
  const emergencyPause = verify.emergency?.pause !== undefined ? parseDuration(verify.emergency.pause) : undefined;
  return {
    ...(prometheusUrl !== undefined ? { prometheusUrl: prometheusUrl.replace(/\/+$/, '') } : {}),
    prometheusTimeoutMs: ms(config.prometheus?.timeout, 10_000),
    health: Object.fromEntries(Object.entries(verify.health ?? {}).map(([group, list]) => [group, list.map(endpoint)])),
    metrics: (verify.metrics ?? []).map((gate) => ({
      name: gate.name,
      kind: gate.kind ?? (gate.query !== undefined ? 'promql' : 'error-rate'),
      template: gateTemplate(gate),
      selector: gate.selector ?? '',
      window: gate.window ?? '1m',
      noData: gate.noData ?? 'inconclusive',
      ...(gate.max !== undefined ? { max: gate.max } : {}),
      ...(gate.min !== undefined ? { min: gate.min } : {}),
      ...(gate.compare === 'baseline' ? { compare: compareGate(gate) } : {}),
    })),
    failureLimit: verify.failureLimit ?? 0,
    inconclusiveLimit: verify.inconclusiveLimit ?? 0,
    scoreBands: { pass: verify.score?.pass ?? DEFAULT_BANDS.pass, marginal: verify.score?.marginal ?? DEFAULT_BANDS.marginal },
    intervalMs: ms(verify.interval, 10_000),
    trackLabel: verify.trackLabel ?? 'track',
    ...(verify.emergency
      ? { emergency: { ...(verify.emergency.steps ? { steps: verify.emergency.steps } : {}), ...(emergencyPause !== undefined ? { pauseMs: emergencyPause } : {}) } }
      : {}),
  };
}

/** A tolerance as written: "10%" or 0.1. */
export function toleranceOf(value: string | number | undefined): number {
  if (value === undefined) return 0.1;
  return typeof value === 'number' ? value : Number(value.replace(/%$/, '')) / 100;
}

function compareGate(gate: MetricGateConfig): CompareGate {
  const kind = gate.kind ?? (gate.query !== undefined ? 'promql' : 'error-rate');
  return {
    rule: {
      direction: gate.direction ?? (kind === 'promql' ? 'either' : 'increase'),
      tolerance: toleranceOf(gate.tolerance),
      floor: gate.floor ?? 0,
      alpha: gate.alpha ?? 0.05,
      minSamples: gate.minSamples ?? 5,
    },
    weight: gate.weight ?? 1,
    critical: gate.critical === true,
    stepS: ms(gate.step, 10_000) / 1000,
    lookbackMs: ms(gate.lookback, 300_000),
  };
}

/** Label matchers joined: `app="web"` plus `track="canary"`; empty parts dropped. */
export function matchers(...parts: readonly (string | undefined)[]): string {
  return parts.map((p) => p?.trim().replace(/^,|,$/g, '') ?? '').filter((p) => p.length > 0).join(',');
}

/** The query for a scope: `{{selector}}` replaced. A promql query without the placeholder is used as written. */
export function queryFor(gate: MetricGate, extra?: string): string {
  return gate.template.split(SELECTOR).join(matchers(gate.selector, extra));
}

// A gate's measurement carries its numbers: what was asked, what came back, the bound, the window
// and when, so "why did it roll back" has an answer ("error-rate 7.9% > 1% at step 25%").

import type { CompareVerdict, SampleSummary } from './stats/compare';

export type Outcome = 'pass' | 'fail' | 'inconclusive';

export interface Measurement {
  readonly gate: string;
  /** comparison: one metric judged against its baseline, which the canary score (a metric) counts. */
  readonly kind: 'metric' | 'health' | 'comparison';
  readonly outcome: Outcome;
  /** In words, with the numbers. */
  readonly reason: string;
  readonly at: string;
  readonly value?: number;
  /** Stable's value beside the canary's, where both tracks are labelled. */
  readonly baseline?: number;
  readonly threshold?: number;
  readonly comparison?: '<=' | '>=';
  readonly query?: string;
  readonly window?: string;
  /** A metric judged against its baseline: the test, the effect, the verdict. */
  readonly against?: BaselineVerdict;
  /** Both tracks' samples over the window compared, [epoch ms, value], for the charts. */
  readonly series?: { readonly canary: readonly (readonly [number, number])[]; readonly baseline: readonly (readonly [number, number])[] };
}

/** A comparison's numbers, as the panel, the timeline and verify --json carry them. */
export interface BaselineVerdict {
  readonly verdict: CompareVerdict;
  readonly canary?: SampleSummary;
  readonly baseline?: SampleSummary;
  readonly u?: number;
  readonly p?: number;
  readonly method?: 'exact' | 'normal';
  readonly alternative?: 'greater' | 'less' | 'two-sided';
  readonly ratio?: number;
  readonly cliffsDelta?: number;
  readonly tolerance: number;
  readonly weight: number;
  readonly critical: boolean;
  /** The one line: "p95 canary 312 ms vs baseline 240 ms (+30%, tolerance 10%), p = 0.002: fail". */
  readonly line: string;
  /** The baseline's query (its track: stable's pods, or the baseline Deployment's). */
  readonly baselineQuery?: string;
}

/** A value as a person reads it for the gate's kind: 7.9% for an error rate, 320 ms for a latency. */
export function formatValue(kind: string, value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (kind === 'error-rate') return `${round(value * 100)}%`;
  if (kind === 'latency') return value < 1 ? `${round(value * 1000)} ms` : `${round(value)} s`;
  return String(round(value));
}

function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return Number(value.toFixed(digits));
}

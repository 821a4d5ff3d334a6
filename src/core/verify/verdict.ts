// A gate's measurement carries its numbers: what was asked, what came back, the bound, the window
// and when, so "why did it roll back" has an answer ("error-rate 7.9% > 1% at step 25%").

export type Outcome = 'pass' | 'fail' | 'inconclusive';

export interface Measurement {
  readonly gate: string;
  readonly kind: 'metric' | 'health';
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

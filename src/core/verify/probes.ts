// What verification reads from the outside world, as ports: a metrics source (the Prometheus HTTP
// API in production, src/adapters/verify/prometheus.ts) and an HTTP prober for health endpoints.

/** One instant query's answer: the number of each series, or why there is none. */
export type MetricAnswer =
  | { readonly ok: true; readonly values: readonly number[] }
  | { readonly ok: false; readonly error: string };

export interface MetricsSource {
  /** Where it asks, for messages: e.g. http://prometheus:9090. */
  readonly where: string;
  query(promql: string, signal?: AbortSignal): Promise<MetricAnswer>;
  /**
   * A range query's samples from `start` to `end`, `stepS` apart: per step the worst (highest) value
   * of the series answered, NaN steps left out. What a comparison with the baseline reads.
   */
  samples?(promql: string, start: Date, end: Date, stepS: number, signal?: AbortSignal): Promise<SamplesAnswer>;
}

export type SamplesAnswer = { readonly ok: true; readonly points: readonly (readonly [number, number])[] } | { readonly ok: false; readonly error: string };

export type ProbeAnswer =
  | { readonly ok: true; readonly status: number; readonly body: string; readonly ms: number }
  | { readonly ok: false; readonly error: string; readonly ms: number };

export interface HttpProber {
  get(url: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeAnswer>;
}

// The Prometheus HTTP API: an instant query's answer as numbers per series (GET /api/v1/query), and a
// range query's samples for a comparison with the baseline (GET /api/v1/query_range).
// A vector or a scalar answers; anything else (a matrix, a string) is reported, not guessed at.

import type { MetricAnswer, MetricsSource, SamplesAnswer } from '../../core/verify/probes';

interface ApiResponse {
  readonly status?: string;
  readonly error?: string;
  readonly errorType?: string;
  readonly data?: { readonly resultType?: string; readonly result?: unknown };
}

export class PrometheusSource implements MetricsSource {
  constructor(
    readonly where: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async query(promql: string, signal?: AbortSignal): Promise<MetricAnswer> {
    const answer = await this.get('query', new URLSearchParams({ query: promql }), signal);
    return answer.ok ? numbers(answer.body.data) : answer;
  }

  /** GET /api/v1/<path>: the answer's body when Prometheus says success, else the error in a line. */
  private async get(path: 'query' | 'query_range', params: URLSearchParams, signal?: AbortSignal): Promise<{ readonly ok: true; readonly body: ApiResponse } | { readonly ok: false; readonly error: string }> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await fetch(`${this.where}/api/v1/${path}?${params.toString()}`, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/json' } });
      const text = await response.text();
      let body: ApiResponse;
      try {
        body = JSON.parse(text) as ApiResponse;
      } catch {
        return { ok: false, error: `HTTP ${response.status}, not a Prometheus answer: ${text.slice(0, 120)}` };
      }
      if (body.status !== 'success') return { ok: false, error: `${body.errorType ?? `HTTP ${response.status}`}: ${body.error ?? 'query failed'}` };
      return { ok: true, body };
    } catch (error) {
      return { ok: false, error: failure(error, timeout, this.timeoutMs) };
    }
  }

  /** GET /api/v1/query_range: per step the highest value of the series answered (the worst track of the scope). */
  async samples(promql: string, start: Date, end: Date, stepS: number, signal?: AbortSignal): Promise<SamplesAnswer> {
    const params = new URLSearchParams({ query: promql, start: (start.getTime() / 1000).toFixed(3), end: (end.getTime() / 1000).toFixed(3), step: String(Math.max(1, stepS)) });
    const answer = await this.get('query_range', params, signal);
    if (!answer.ok) return answer;
    const { body } = answer;
    if (body.data?.resultType !== 'matrix' || !Array.isArray(body.data.result)) return { ok: false, error: `the query answers a ${body.data?.resultType ?? 'nothing'}; samples need a range of an instant vector` };
    const worst = new Map<number, number>();
    for (const series of body.data.result as { values?: readonly (readonly [number, string])[] }[]) {
      for (const [t, v] of series.values ?? []) {
        const value = Number(v);
        if (Number.isNaN(value)) continue;
        worst.set(t * 1000, Math.max(worst.get(t * 1000) ?? -Infinity, value));
      }
    }
    return { ok: true, points: [...worst].sort((a, b) => a[0] - b[0]) };
  }
}

function failure(error: unknown, timeout: AbortSignal, timeoutMs: number): string {
  if (timeout.aborted) return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** One series of a range query: [epoch ms, value] points. */
export type RangeAnswer = { readonly ok: true; readonly points: readonly (readonly [number, number])[] } | { readonly ok: false; readonly error: string };

/**
 * GET /api/v1/query_range for a chart: the first series' points between `start` and `end` at
 * `stepS`-second resolution (NaN points, where the rate had no requests, are left out).
 */
export async function queryRange(source: PrometheusSource, promql: string, start: Date, end: Date, stepS: number, signal?: AbortSignal): Promise<RangeAnswer> {
  const params = new URLSearchParams({ query: promql, start: (start.getTime() / 1000).toFixed(3), end: (end.getTime() / 1000).toFixed(3), step: String(Math.max(1, Math.round(stepS))) });
  const timeout = AbortSignal.timeout(10_000);
  try {
    const response = await fetch(`${source.where}/api/v1/query_range?${params.toString()}`, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/json' } });
    const body = (await response.json()) as ApiResponse;
    if (body.status !== 'success' || body.data?.resultType !== 'matrix' || !Array.isArray(body.data.result)) return { ok: false, error: body.error ?? `HTTP ${response.status}` };
    const first = body.data.result[0] as { values?: readonly (readonly [number, string])[] } | undefined;
    const points = (first?.values ?? []).map(([t, v]) => [t * 1000, Number(v)] as const).filter(([, v]) => !Number.isNaN(v));
    return { ok: true, points };
  } catch (error) {
    return { ok: false, error: timeout.aborted ? 'no answer within 10000 ms' : error instanceof Error ? error.message : String(error) };
  }
}

function numbers(data: ApiResponse['data']): MetricAnswer {
  const result = data?.result;
  if (data?.resultType === 'scalar' && Array.isArray(result)) return { ok: true, values: [Number(result[1])] };
  if (data?.resultType === 'vector' && Array.isArray(result)) {
    return { ok: true, values: result.map((series) => Number((series as { value?: readonly unknown[] }).value?.[1])) };
  }
  return { ok: false, error: `the query answers a ${data?.resultType ?? 'nothing'}; a gate needs an instant vector or a scalar` };
}

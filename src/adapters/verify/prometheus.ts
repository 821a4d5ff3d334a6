// The Prometheus HTTP API (GET /api/v1/query): an instant query's answer as numbers per series.
// A vector or a scalar answers; anything else (a matrix, a string) is reported, not guessed at.

import type { MetricAnswer, MetricsSource } from '../../core/verify/probes';

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
    const url = `${this.where}/api/v1/query?${new URLSearchParams({ query: promql }).toString()}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/json' } });
      const text = await response.text();
      let body: ApiResponse;
      try {
        body = JSON.parse(text) as ApiResponse;
      } catch {
        return { ok: false, error: `HTTP ${response.status}, not a Prometheus answer: ${text.slice(0, 120)}` };
      }
      if (body.status !== 'success') return { ok: false, error: `${body.errorType ?? `HTTP ${response.status}`}: ${body.error ?? 'query failed'}` };
      return numbers(body.data);
    } catch (error) {
      if (timeout.aborted) return { ok: false, error: `no answer within ${this.timeoutMs} ms` };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { ok: false, error: cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)) };
    }
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

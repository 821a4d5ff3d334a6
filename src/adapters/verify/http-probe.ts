// Health probes over HTTP: a GET with a timeout, no redirects followed (a redirect to a login page is
// not health), the body read up to 64 KB for the body match.

import type { HttpProber, ProbeAnswer } from '../../core/verify/probes';

const BODY_LIMIT = 64 * 1024;

export const httpProber: HttpProber = {
  async get(url, timeoutMs, signal): Promise<ProbeAnswer> {
    const started = Date.now();
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, redirect: 'manual' });
      const body = (await response.text()).slice(0, BODY_LIMIT);
      return { ok: true, status: response.status, body, ms: Date.now() - started };
    } catch (error) {
      const ms = Date.now() - started;
      if (timeout.aborted) return { ok: false, error: `no answer within ${timeoutMs} ms`, ms };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { ok: false, error: cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)), ms };
    }
  },
};

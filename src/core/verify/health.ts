// Health endpoints: one probe is a GET with a timeout, judged by status and (optionally) body. An
// endpoint fails only after `failureThreshold` failed probes in a row; fewer are a flap and pass.

import type { HttpProber } from './probes';
import type { HealthEndpoint } from './settings';
import type { Measurement } from './verdict';

export interface Probe {
  readonly ok: boolean;
  readonly reason: string;
}

export async function probeOnce(prober: HttpProber, endpoint: HealthEndpoint, signal?: AbortSignal): Promise<Probe> {
  const answer = await prober.get(endpoint.url, endpoint.timeoutMs, signal);
  if (!answer.ok) return { ok: false, reason: `GET ${endpoint.url} failed after ${answer.ms} ms: ${answer.error}` };
  if (answer.status !== endpoint.expectStatus) return { ok: false, reason: `GET ${endpoint.url} answered ${answer.status}, expected ${endpoint.expectStatus} (${answer.ms} ms)` };
  if (endpoint.bodyMatch !== undefined && !safeRegExp(endpoint.bodyMatch).test(answer.body)) {
    return { ok: false, reason: `GET ${endpoint.url} answered ${answer.status} but the body does not match /${endpoint.bodyMatch}/ (${answer.ms} ms)` };
  }
  return { ok: true, reason: `GET ${endpoint.url} answered ${answer.status} in ${answer.ms} ms` };
}

function safeRegExp(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    // Not a valid expression: match it as plain text rather than fail every probe.
    return new RegExp(source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

/** Consecutive failures per endpoint, across the probes of one watch or canary run. */
export class HealthTracker {
  private readonly streak = new Map<string, number>();

  /** Records a probe and says what it means now. */
  observe(endpoint: HealthEndpoint, probe: Probe, at: Date): Measurement {
    const streak = probe.ok ? 0 : (this.streak.get(endpoint.url) ?? 0) + 1;
    this.streak.set(endpoint.url, streak);
    const failing = streak >= endpoint.failureThreshold;
    const flap = !probe.ok && !failing ? ` (${streak} of ${endpoint.failureThreshold} failures in a row tolerated)` : '';
    return {
      gate: endpoint.name,
      kind: 'health',
      outcome: failing ? 'fail' : 'pass',
      reason: failing ? `${endpoint.name}: ${streak} failed probes in a row (threshold ${endpoint.failureThreshold}); last: ${probe.reason}` : `${endpoint.name}: ${probe.reason}${flap}`,
      at: at.toISOString(),
      value: streak,
      threshold: endpoint.failureThreshold,
    };
  }
}

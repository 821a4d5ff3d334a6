// One judge per canary run or verify watch: it measures every health endpoint and metric gate once
// per round and keeps the counts that decide, as Argo Rollouts' analysis does: a metric fails the
// run after more than `failureLimit` failed measurements, or more than `inconclusiveLimit`
// inconclusive ones (no data, Prometheus unreachable: never a silent pass); a health endpoint fails
// it after `failureThreshold` failed probes in a row.

import type { Clock } from '../ports';
import { HealthTracker, probeOnce } from './health';
import { measureMetric, type MetricScope } from './metrics';
import type { HttpProber, MetricsSource } from './probes';
import { measureComparison, scoreMeasurement } from './compare-metric';
import type { CompareGate, HealthEndpoint, MetricGate, VerifySettings } from './settings';
import type { Measurement, Outcome } from './verdict';

export interface VerifyPorts {
  readonly metrics?: MetricsSource;
  readonly prober: HttpProber;
  readonly clock: Clock;
}

export interface Round {
  readonly outcome: Outcome;
  /** In words: the deciding measurement first, then the rest. */
  readonly reason: string;
  readonly measurements: readonly Measurement[];
  readonly failures: number;
  readonly inconclusives: number;
}

export class Judge {
  private failures = 0;
  private inconclusives = 0;
  private readonly health = new HealthTracker();

  constructor(
    private readonly ports: VerifyPorts,
    private readonly settings: VerifySettings,
    private readonly endpoints: readonly HealthEndpoint[],
  ) {}

  /** Whether there is anything beyond readiness to judge. */
  get empty(): boolean {
    return this.endpoints.length === 0 && this.settings.metrics.length === 0;
  }

  /** Probes each endpoint once (a watch spreads its probes over the rounds). */
  async probeRound(signal?: AbortSignal): Promise<Measurement[]> {
    return Promise.all(this.endpoints.map(async (e) => this.health.observe(e, await probeOnce(this.ports.prober, e, signal), this.ports.clock.now())));
  }

  /**
   * At a canary gate there are no earlier rounds to spread probes over: each endpoint is probed until
   * it answers well or fails `failureThreshold` times in a row, `intervalMs` apart.
   */
  async probeUntilSettled(signal?: AbortSignal): Promise<Measurement[]> {
    return Promise.all(
      this.endpoints.map(async (endpoint) => {
        for (;;) {
          const seen = this.health.observe(endpoint, await probeOnce(this.ports.prober, endpoint, signal), this.ports.clock.now());
          if (seen.outcome === 'fail' || seen.value === 0) return seen;
          await this.ports.clock.sleep(Math.min(this.settings.intervalMs, 5000), signal);
        }
      }),
    );
  }

  async metricRound(scope: MetricScope, signal?: AbortSignal): Promise<Measurement[]> {
    const source = this.ports.metrics;
    if (this.settings.metrics.length === 0) return [];
    if (!source) {
      const at = this.ports.clock.now().toISOString();
      return this.settings.metrics.map((gate) => ({ gate: gate.name, kind: 'metric', outcome: 'inconclusive', at, reason: `${gate.name}: no Prometheus is configured (set prometheus.url)` }));
    }
    const now = () => this.ports.clock.now();
    // A gate with a bound is measured against it; one with compare: baseline is compared (both when it has both).
    const bounded = this.settings.metrics.filter((gate) => gate.max !== undefined || gate.min !== undefined);
    // Compared only while a baseline takes traffic (a canary step under 100%); bounds hold always.
    const compared = scope.baseline === undefined ? [] : this.settings.metrics.filter((gate): gate is MetricGate & { compare: CompareGate } => gate.compare !== undefined);
    const [fixed, comparisons] = await Promise.all([
      Promise.all(bounded.map((gate) => measureMetric(source, gate, scope, now, signal))),
      Promise.all(compared.map((gate) => measureComparison(source, gate, scope, now, signal))),
    ]);
    const score = scoreMeasurement(comparisons, this.settings.metrics, this.settings.scoreBands, now());
    return [...(score ? [score] : []), ...fixed, ...comparisons];
  }

  /** Counts a round's measurements and decides. */
  decide(measurements: readonly Measurement[]): Round {
    for (const m of measurements) {
      if (m.kind !== 'metric') continue;
      if (m.outcome === 'fail') this.failures++;
      if (m.outcome === 'inconclusive') this.inconclusives++;
    }
    const { failureLimit, inconclusiveLimit } = this.settings;
    const counts = { failures: this.failures, inconclusives: this.inconclusives };
    const health = measurements.filter((m) => m.kind === 'health' && m.outcome === 'fail');
    const failed = measurements.filter((m) => m.kind === 'metric' && m.outcome === 'fail');
    const unknown = measurements.filter((m) => m.kind === 'metric' && m.outcome === 'inconclusive');
    const rest = (first: readonly Measurement[]) => [...first, ...measurements.filter((m) => !first.includes(m))].map((m) => m.reason).join('; ');
    if (health.length > 0) return { ...counts, outcome: 'fail', reason: rest(health), measurements };
    if (this.failures > failureLimit) {
      const limit = failureLimit > 0 ? ` (${this.failures} failed measurements, limit ${failureLimit})` : '';
      return { ...counts, outcome: 'fail', reason: `${rest(failed)}${limit}`, measurements };
    }
    if (this.inconclusives > inconclusiveLimit) {
      return { ...counts, outcome: 'inconclusive', reason: `inconclusive: ${rest(unknown)} (${this.inconclusives} inconclusive measurements, limit ${inconclusiveLimit})`, measurements };
    }
    const tolerated = [
      ...(failed.length > 0 ? [`${this.failures} of ${failureLimit} tolerated failures used`] : []),
      ...(unknown.length > 0 ? [`${this.inconclusives} of ${inconclusiveLimit} tolerated inconclusive used`] : []),
    ];
    return { ...counts, outcome: 'pass', reason: `${rest([...failed, ...unknown])}${tolerated.length > 0 ? ` (${tolerated.join(', ')})` : ''}`, measurements };
  }
}

// `verify`: a watch over a target after a deploy. Every interval, each health endpoint is probed
// once and each metric gate measured once (the whole app, no track); the watch stops at the first
// deciding failure, or passes when the time is up.

import { Judge, type Round, type VerifyPorts } from './judge';
import type { HealthEndpoint, VerifySettings } from './settings';
import type { MetricScope } from './metrics';
import type { Measurement } from './verdict';

export interface WatchInput {
  readonly durationMs: number;
  readonly intervalMs: number;
  readonly endpoints: readonly HealthEndpoint[];
  readonly signal?: AbortSignal;
  /** Whose series are judged: during a canary, its track against stable's (the comparisons need it). */
  readonly scope?: MetricScope;
  /** Each round as it is judged, for live output. */
  readonly onRound?: (round: Round, index: number) => void;
}

export interface WatchReport {
  readonly outcome: Round['outcome'] | 'stopped';
  readonly reason: string;
  readonly rounds: number;
  readonly ms: number;
  /** The deciding round's measurements (the last round's when it passed). */
  readonly measurements: readonly Measurement[];
}

export async function watch(ports: VerifyPorts, settings: VerifySettings, input: WatchInput): Promise<WatchReport> {
  const judge = new Judge(ports, settings, input.endpoints);
  const started = ports.clock.now().getTime();
  const elapsed = () => ports.clock.now().getTime() - started;
  let rounds = 0;
  let last: Round | undefined;
  for (;;) {
    if (input.signal?.aborted) return { outcome: 'stopped', reason: 'stopped before the time was up', rounds, ms: elapsed(), measurements: last?.measurements ?? [] };
    const [health, metrics] = await Promise.all([judge.probeRound(input.signal), judge.metricRound(input.scope ?? {}, input.signal)]);
    const round = judge.decide([...health, ...metrics]);
    input.onRound?.(round, rounds);
    rounds++;
    last = round;
    if (round.outcome !== 'pass') return { outcome: round.outcome, reason: round.reason, rounds, ms: elapsed(), measurements: round.measurements };
    const left = input.durationMs - elapsed();
    if (left <= 0) break;
    try {
      await ports.clock.sleep(Math.min(input.intervalMs, left), input.signal);
    } catch {
      return { outcome: 'stopped', reason: 'stopped before the time was up', rounds, ms: elapsed(), measurements: round.measurements };
    }
  }
  const summary = `${rounds} round${rounds === 1 ? '' : 's'} over ${Math.round(elapsed() / 1000)}s passed`;
  return { outcome: 'pass', reason: `${summary}: ${last.reason}`, rounds, ms: elapsed(), measurements: last.measurements };
}

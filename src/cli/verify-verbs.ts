// The verify verb: parse the options, run the verify use case (src/app/verify.ts) with each round on
// stderr, print the verdict. Exit 0 verified, 1 failed (rolled back or not), 2 usage, 3 stopped.

import { parseDuration } from '../core/config/targets';
import { rolloutLines } from '../app/rollout';
import { toGateMeasurement } from '../core/verify/gate';
import { cliEnv, type CommonFlags } from './compose';
import { EXIT, type ExitCode } from './exit-codes';
import { incidentLinkLines } from './incident-link-lines';
import { interruptibly } from './interrupt';
import { reporter } from './output';
import type { Io } from './program';
import { stoppedWith } from './refused';

export interface VerifyOptions extends CommonFlags {
  readonly target?: string;
  readonly environment?: string;
  readonly endpoints?: string;
  readonly duration: string;
  readonly interval?: string;
  readonly autoRollback?: boolean;
  readonly incident?: string;
}

export async function verifyVerb(io: Io, options: VerifyOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const name = options.target ?? options.environment;
  if (name === undefined) return out.failure('Which target?', 'Pass --target=NAME (or --environment=NAME).', EXIT.usage);
  const durationMs = parseDuration(options.duration);
  if (durationMs === undefined) return out.failure(`--duration=${options.duration} is not a duration.`, 'Write it as 30s, 5m or 1h.', EXIT.usage);
  const intervalMs = options.interval !== undefined ? parseDuration(options.interval) : undefined;
  if (options.interval !== undefined && (intervalMs === undefined || intervalMs <= 0)) return out.failure(`--interval=${options.interval} is not a duration.`, 'Write it as 500ms, 10s or 1m.', EXIT.usage);
  const groups = options.endpoints?.split(',').map((g) => g.trim()).filter((g) => g.length > 0);

  const { verify } = await import('../app/verify.js');
  // The first Ctrl-C ends the watch with its verdict so far (stopped); a second exits at once.
  const outcome = await interruptibly(
    () => undefined,
    (signal) =>
      verify(cliEnv(io, out, options, signal), {
        target: name,
        durationMs,
        autoRollback: options.autoRollback === true,
        ...(groups ? { groups } : {}),
        ...(intervalMs !== undefined ? { intervalMs } : {}),
        ...(options.incident !== undefined ? { incident: options.incident } : {}),
      }),
  );
  if (outcome.kind === 'refused' || outcome.kind === 'cancelled') return stoppedWith(out, outcome);

  const { report, incident } = outcome;
  for (const line of incidentLinkLines(incident)) out.line(line);
  if (outcome.rollout) for (const line of rolloutLines(outcome.rollout)) out.line(line);
  const json = { outcome: report.outcome, verdict: report.reason, rounds: report.rounds, ms: report.ms, measurements: report.measurements.map(toGateMeasurement), ...(outcome.rollout ? { rollout: outcome.rollout } : {}), ...(incident.incident ? { incident: incident.incident } : {}) };
  switch (outcome.kind) {
    case 'verified':
      return out.result(json, [`${name} verified: ${report.reason}`]);
    case 'stopped':
      return out.failure(`Verification of ${name} stopped after ${report.rounds} round(s).`, undefined, EXIT.stopped, json);
    default: {
      const rolled = outcome.rolledBack;
      if (!rolled) return out.refused({ reason: `Verification of ${name} failed: ${report.reason}`, hint: 'Roll it back, or watch again rolling back on failure.', ...(outcome.remedies ? { remedies: outcome.remedies } : {}) }, json);
      if (rolled.ok) return out.failure(`Verification of ${name} failed: ${report.reason}`, `Rolled back automatically in ${rolled.ms} ms: ${rolled.message}.`, EXIT.failed, { ...json, rolledBack: rolled.message });
      return out.refused({ reason: `Verification of ${name} failed: ${report.reason}; the automatic rollback was refused: ${rolled.reason}`, ...(rolled.hint ? { hint: rolled.hint } : {}), ...(rolled.remedies ? { remedies: rolled.remedies } : {}) }, json);
    }
  }
}

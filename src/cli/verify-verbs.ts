// The verify verb: parse the options, run the watch (src/adapters/verify-run.ts), report each round
// and the verdict. Exit 0 verified, 1 failed (rolled back or not), 2 usage, 3 stopped.

import { parseDuration } from '../core/config/targets';
import { toGateMeasurement } from '../core/verify/gate';
import { runVerify } from '../app/verify-run';
import { EXIT, type ExitCode } from './exit-codes';
import { incidentLinkLines } from './incident-link-lines';
import { reporter } from './output';
import type { Io } from './program';

export interface VerifyOptions {
  readonly target?: string;
  readonly environment?: string;
  readonly endpoints?: string;
  readonly duration: string;
  readonly interval?: string;
  readonly autoRollback?: boolean;
  readonly incident?: string;
  readonly yes?: boolean;
  readonly kubeconfig?: string;
  readonly repo?: string;
  readonly json?: boolean;
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

  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const outcome = await runVerify({
    dir: options.repo ?? process.cwd(),
    target: name,
    durationMs,
    signal: abort.signal,
    autoRollback: options.autoRollback === true,
    confirmed: options.yes === true,
    ...(groups ? { groups } : {}),
    ...(intervalMs !== undefined ? { intervalMs } : {}),
    ...(options.incident !== undefined ? { incident: options.incident } : {}),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    onStart: (summary) => out.line(summary),
    onRound: (round, index) => out.progress(`round ${index + 1}: ${round.outcome}: ${round.reason}`),
    progress: (m) => out.progress(m),
  }).finally(() => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  });
  if (outcome.kind === 'refused') return out.failure(outcome.reason, outcome.hint, outcome.usage ? EXIT.usage : EXIT.failed);

  const { report, incident } = outcome;
  for (const line of incidentLinkLines(incident)) out.line(line);
  const json = { outcome: report.outcome, verdict: report.reason, rounds: report.rounds, ms: report.ms, measurements: report.measurements.map(toGateMeasurement), ...(incident.incident ? { incident: incident.incident } : {}) };
  switch (outcome.kind) {
    case 'verified':
      return out.result(json, [`${name} verified: ${report.reason}`]);
    case 'stopped':
      return out.failure(`Verification of ${name} stopped after ${report.rounds} round(s).`, undefined, EXIT.stopped, json);
    default: {
      const rolled = outcome.rolledBack;
      if (!rolled) return out.failure(`Verification of ${name} failed: ${report.reason}`, `Roll back with hotfix-deployer rollback --target=${name}, or run verify with --auto-rollback.`, EXIT.failed, json);
      if (rolled.ok) return out.failure(`Verification of ${name} failed: ${report.reason}`, `Rolled back automatically in ${rolled.ms} ms: ${rolled.message}.`, EXIT.failed, { ...json, rolledBack: rolled.message });
      return out.failure(`Verification of ${name} failed: ${report.reason}; the automatic rollback was refused: ${rolled.reason}`, rolled.hint, EXIT.failed, json);
    }
  }
}

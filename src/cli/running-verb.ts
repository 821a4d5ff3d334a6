// `running`: what a target runs now, the commit it maps to (and by which rule), and any drift from
// the production release; its lines also open `create --from=running`. Parse and print only: the
// operation is src/app/running.ts, the reading and mapping src/core/running. Loaded when `running` runs,
// or `create` (its lines); the options: running-commands.ts.

import type { IncidentLink } from '../app/incident-link';
import type { RunningReport } from '../app/running';
import { describeDrift } from '../core/running';
import { cliEnv, type CommonFlags } from './compose';
import type { ExitCode } from './exit-codes';
import { reporter, short } from './output';
import type { Io } from './program';
import { stoppedWith } from './refused';

export interface RunningOptions extends CommonFlags {
  readonly target: string;
  readonly incident?: string;
}

/** What runs and what it maps to, in lines. */
export function runningLines(report: RunningReport): string[] {
  const { running, production, drift } = report;
  const c = running.commit;
  return [
    `${running.target}: ${running.deployment}${running.revision !== undefined ? ` revision ${running.revision}` : ''}${running.replicaSet ? ` (ReplicaSet ${running.replicaSet})` : ''} runs ${running.images.map((i) => `${i.container}=${i.image}`).join(', ')}`,
    `commit ${short(c.sha)} via ${c.via}: ${c.detail}${c.branch ? ` (branch ${c.branch})` : ''}`,
    ...(running.canary ? [`canary: ${running.canary}`] : []),
    drift ? `DRIFT: ${describeDrift(drift)}` : `production ${production.tag ?? production.ref} (${short(production.sha)}): the same commit, no drift`,
  ];
}

/** Where the drift was recorded, or why not (also under `create --from=running`). */
export function incidentLines(recorded: IncidentLink): string[] {
  return [...(recorded.incident ? [`Drift recorded in ${recorded.incident}'s timeline.`] : []), ...(recorded.note ? [`note: the drift is not recorded in an incident: ${recorded.note}`] : [])];
}

export async function runningVerb(io: Io, options: RunningOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const { running: runningOperation } = await import('../app/running.js');
  const outcome = await runningOperation(cliEnv(io, out, options), { target: options.target, ...(options.incident !== undefined ? { incident: options.incident } : {}) });
  if (outcome.kind === 'refused') return stoppedWith(out, outcome);
  const { report, recorded } = outcome;
  const { running, production, drift } = report;
  return out.result({ running, production, drift: drift ?? null, ...(recorded.incident ? { incident: recorded.incident } : {}) }, [...runningLines(report), ...incidentLines(recorded)]);
}

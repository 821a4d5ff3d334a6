// `running`: what a target runs now, the commit it maps to (and by which rule), and any drift from
// the production release; also the base of `create --from=running`. Parse and print only: the
// reading and mapping are in src/adapters/running.ts and src/core/running.

import type { Command } from 'commander';
import { linkedIncident, type IncidentLink } from '../app/incident-link';
import { recordDrift, runningReport, type RunningReport } from '../app/running';
import type { BranchingModel } from '../core/config/types';
import { describeDrift } from '../core/running';
import { EXIT, type ExitCode } from './exit-codes';
import { reporter, short, type Reporter } from './output';
import type { Io } from './program';

interface RunningOptions {
  readonly target: string;
  readonly kubeconfig?: string;
  readonly incident?: string;
  readonly repo?: string;
  readonly json?: boolean;
}

export function registerRunningCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): void {
  program
    .command('running')
    .description("what a target runs now, the commit it maps to (annotations, OCI revision, tag pattern, image tag or SHA) and its drift from the production release")
    .requiredOption('--target <name>', 'the target in .hotfix/config.yaml (e.g. production)')
    .option('--incident <id>', 'the incident a drift is recorded in (default: the only open incident, if any)')
    .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: RunningOptions) => {
      setExit(await runningVerb(io, options));
    });
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

function incidentLines(recorded: IncidentLink): string[] {
  return [...(recorded.incident ? [`Drift recorded in ${recorded.incident}'s timeline.`] : []), ...(recorded.note ? [`note: the drift is not recorded in an incident: ${recorded.note}`] : [])];
}

async function runningVerb(io: Io, options: RunningOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const dir = options.repo ?? process.cwd();
  const report = await runningReport(dir, options.target, options.kubeconfig ? { kubeconfig: options.kubeconfig } : {});
  if (!report.ok) return out.refused(report);
  const recorded = report.value.drift ? await recordDrift(report.value, (await linkedIncident(report.value.root, options.incident)).incident) : {};
  const { running, production, drift } = report.value;
  return out.result({ running, production, drift: drift ?? null, ...(recorded.incident ? { incident: recorded.incident } : {}) }, [...runningLines(report.value), ...incidentLines(recorded)]);
}

export interface FromRunningOptions {
  readonly issue: string;
  readonly title: string;
  readonly target?: string;
  readonly onDrift?: string;
  readonly kubeconfig?: string;
  readonly repo?: string;
  readonly model?: BranchingModel;
}

/** What `create --from=running` branches from, after any drift was recorded; or the exit code when it cannot. */
export type RunningBase = { readonly from?: string; readonly baseRef?: string; readonly report: RunningReport; readonly recorded: IncidentLink };

/** Checks the options of `create --from=running` before anything is read: the message, or undefined. */
export function fromRunningUsage(options: Pick<FromRunningOptions, 'target' | 'onDrift'>): string | undefined {
  if (options.target === undefined) return '--from=running needs --target=NAME: the target whose running commit to branch from.';
  if (options.onDrift !== undefined && options.onDrift !== 'running' && options.onDrift !== 'tag') return `--on-drift=${options.onDrift}: use --on-drift=running or --on-drift=tag.`;
  return undefined;
}

export async function baseFromRunning(out: Reporter, dir: string, incident: string | undefined, options: FromRunningOptions & { readonly target: string }): Promise<RunningBase | ExitCode> {
  out.progress(`Reading what ${options.target} runs`);
  const report = await runningReport(dir, options.target, { ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), ...(options.model ? { model: options.model } : {}) });
  if (!report.ok) return out.refused(report);
  const r = report.value;
  for (const line of runningLines(r)) out.line(line);
  const recorded = await recordDrift(r, incident);
  for (const line of incidentLines(recorded)) out.line(line);
  const running = { from: r.running.commit.sha, baseRef: `running:${options.target}`, report: r, recorded };
  if (!r.drift) return running;
  if (options.onDrift === 'running') return running;
  if (options.onDrift === 'tag') return { report: r, recorded };
  const { drift } = r;
  const command = (choice: string) =>
    `hotfix-deployer create --issue=${options.issue}${options.title ? ` --title=${JSON.stringify(options.title)}` : ''} --from=running --target=${options.target} --on-drift=${choice}${options.kubeconfig ? ` --kubeconfig=${options.kubeconfig}` : ''}${options.repo ? ` --repo=${options.repo}` : ''}`;
  return out.failure(
    `Drift on ${options.target}: it runs ${drift.runningSha} (${r.running.image.image}, via ${r.running.commit.via}), but the production release is ${drift.expected} at ${drift.expectedSha}; ${describeDrift(drift)}. Nothing was created.`,
    `Choose the base:\n    ${command('running')}   # branch from what runs\n    ${command('tag')}   # branch from ${drift.expected}`,
    EXIT.usage,
    { drift, running: r.running, ...(recorded.incident ? { incident: recorded.incident } : {}) },
  );
}

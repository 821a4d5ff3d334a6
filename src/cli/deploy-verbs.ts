// The deploy verbs' work: open the target through the kube context, print the context and namespace
// before any write, call the deploy engine, print the outcome. Loaded only when a deploy verb runs,
// so other verbs do not pay for the Kubernetes client.

import { openDeploy, type OpenDeploy } from '../adapters/deploy-workspace';
import { imageFromTemplate, targetNames } from '../core/config/targets';
import type { DeployStrategy } from '../core/config/types';
import { continueDeploy, deploy, promoteCanary } from '../core/deploy/deploy';
import { record, type DeployEvent } from '../core/deploy/context';
import { describeTarget } from '../core/deploy/describe';
import type { EventPayload } from '../core/incident/events';
import { emergencyPlan } from '../core/verify/emergency';
import { retireOldColour } from '../core/deploy/retire';
import { rollback } from '../core/deploy/rollback';
import { highestRelease } from '../core/hotfix/versions';
import { linkedIncident, NO_INCIDENT, recordInIncident, type IncidentLink } from '../app/incident-link';
import { checkImageReference } from '../core/image-ref';
import { deployEvents, verdictEvent } from '../app/deploy-events';
import { incidentSeverity } from '../app/validate-run';
import { EXIT, type ExitCode } from './exit-codes';
import { afterLines, conflictingFlags, guardOrExit, manifestsLines, type GitopsFlags } from './gitops-guard-lines';
import { pendingPauses } from '../app/gitops-guard';
import { incidentLinkLines } from './incident-link-lines';
import { interruptibly } from './interrupt';
import { reporter, type Reporter } from './output';
import { validationGate } from './validate-gate';
import type { Io } from './program';

export type { GitopsFlags };

export interface Common {
  readonly repo?: string;
  readonly json?: boolean;
  readonly kubeconfig?: string;
}

const STRATEGIES: readonly DeployStrategy[] = ['rolling', 'blue-green', 'canary'];

async function open(out: Reporter, options: Common, target: string, signal: AbortSignal, onEvent?: (event: DeployEvent) => void): Promise<OpenDeploy | ExitCode> {
  const opened = await openDeploy(options.repo ?? process.cwd(), target, {
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(onEvent ? { onEvent } : {}),
    progress: (m) => out.progress(m),
    signal,
  });
  if (!opened.ok) return out.refused(opened);
  const { kube, target: t } = opened.value;
  out.line(`target ${t.name} (${t.strategy}${t.protected ? ', protected' : ''}): context ${kube.context} (${kube.server}), namespace ${t.namespace}`);
  return opened.value;
}

type DeployOptions = Common & { target: string; image?: string; strategy?: string; incident?: string; continue?: boolean; promote?: boolean; yes?: boolean; overrideValidation?: string } & GitopsFlags;

/** What the first Ctrl-C says, on stderr. */
const stopping = (out: Reporter) => (signal: NodeJS.Signals) => out.progress(`${signal}: stopping at the next safe point (again to exit now)`);

export function deployVerb(io: Io, options: DeployOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  return interruptibly(stopping(out), (signal) => deployWith(out, io, options, signal));
}

async function deployWith(out: Reporter, io: Io, options: DeployOptions, signal: AbortSignal): Promise<ExitCode> {
  const contradiction = conflictingFlags(out, options);
  if (contradiction !== undefined) return contradiction;
  if (options.strategy !== undefined && !STRATEGIES.includes(options.strategy as DeployStrategy)) {
    return out.failure(`"${options.strategy}" is not a strategy.`, `Use ${STRATEGIES.join(', ')}.`, EXIT.usage);
  }
  if (options.promote && (options.continue || options.image !== undefined)) {
    return out.failure('--promote acts on the unfinished canary alone.', 'Run deploy --target=NAME --promote without --continue or --image.', EXIT.usage);
  }
  // Checked before the config or the cluster are read: nothing is contacted for an image that cannot be one.
  if (options.image !== undefined) {
    const checked = checkImageReference(options.image, '--image');
    if (!checked.ok) return out.refused(checked);
  }
  // Canary gate verdicts, with their numbers, for the incident timeline.
  const verdicts: EventPayload[] = [];
  const onEvent = (event: DeployEvent) => verdicts.push(verdictEvent(options.target, event));
  const opened = await open(out, options, options.target, signal, onEvent);
  if (typeof opened === 'number') return opened;
  let ctx = options.strategy ? { ...opened.context, target: { ...opened.target, strategy: options.strategy as DeployStrategy } } : opened.context;
  if (options.continue || options.promote) {
    // A resumed operation carries what it paused in its state: restored if it now rolls back.
    const resumed = options.continue ? await continueDeploy(ctx, options.yes) : await promoteCanary(ctx, options.yes);
    if (resumed.kind !== 'refused') {
      await afterLines(out, opened.workspace.location.root, ctx, { outcome: resumed.kind, paused: pendingPauses(resumed.state), state: resumed.state, ...(resumed.state.meta.incident ? { incident: resumed.state.meta.incident } : {}) });
      if (resumed.kind === 'deployed') await manifestsLines(out, { ...opened, context: ctx }, { kind: 'deploy', state: resumed.state }, resumed.state.meta.incident);
    }
    return report(out, resumed);
  }

  const git = opened.workspace.context.git;
  const [sha, branch, tags] = await Promise.all([git.resolveCommit('HEAD'), git.currentBranch(), git.tags('HEAD')]);
  let image = options.image;
  if (image === undefined) {
    if (!opened.target.image) return out.failure('No image to deploy.', `Pass --image, or set targets.${opened.target.name}.image (e.g. registry.example/app:{version}).`, EXIT.usage);
    const release = highestRelease(tags, opened.workspace.context.settings.tagPrefix);
    const resolved = imageFromTemplate(opened.target.image, { ...(release ? { version: release.version, tag: release.name } : {}), ...(sha ? { sha } : {}) });
    if (!resolved.ok) return out.refused(resolved);
    const checked = checkImageReference(resolved.value, `targets.${opened.target.name}.image (${opened.target.image} filled in)`);
    if (!checked.ok) return out.refused(checked);
    image = resolved.value;
  }
  // The incident this deploy belongs to (named, else the only open one) is annotated and gets the events.
  const root = opened.workspace.location.root;
  const link = await linkedIncident(root, options.incident);
  const unlinked = refuseUnlinked(out, link, options.incident);
  if (unlinked !== undefined) return unlinked;
  const meta = { ...(sha ? { gitSha: sha } : {}), ...(branch ? { branch } : {}), ...(link.incident ? { incident: link.incident } : {}) };
  const emergency = emergencyPlan(ctx.target, (await incidentSeverity(root, link.incident)).value);
  if (emergency) {
    out.line(emergency.note);
    ctx = { ...ctx, target: emergency.target };
    await record(ctx, 'deploy.emergency', { incident: link.incident ?? '', steps: emergency.target.canary.steps.join(','), pauseMs: emergency.target.canary.pauseMs });
  }
  // A target with validate: deploys only after its suite passed for this commit (or a SEV0/1 override).
  const gate = await validationGate(io, out, { ...opened, target: ctx.target, context: ctx }, {
    image,
    confirmed: options.yes === true,
    ...(sha ? { sha } : {}),
    ...(link.incident ? { incident: link.incident } : {}),
    ...(link.note ? { incidentNote: link.note } : {}),
    ...(options.overrideValidation !== undefined ? { override: options.overrideValidation } : {}),
  });
  if (gate !== undefined) return gate;
  // Argo CD or Flux would put the manifests back over this deploy: ask, warn or pause, by config and flags.
  const paused = await guardOrExit(out, root, ctx, { verb: `deploying ${image}`, flags: options, confirmed: options.yes === true, ...(link.incident ? { incident: link.incident } : {}) });
  if (typeof paused === 'number') return paused;
  const outcome = await deploy(ctx, { image, meta: { ...meta, ...(paused.length > 0 ? { gitopsPaused: paused } : {}) }, confirmed: options.yes === true });
  const events = deployEvents(opened.target.name, image, ctx.target.strategy, verdicts, outcome);
  if (events.length > 0) noteIncident(out, await recordInIncident(root, link.incident, events));
  await afterLines(out, root, ctx, {
    outcome: outcome.kind,
    paused,
    ...(outcome.kind !== 'refused' ? { state: outcome.state } : {}),
    ...(link.incident ? { incident: link.incident } : {}),
    reason: outcome.kind === 'rolled-back' ? `the deploy of ${image} rolled back: the target is back at what git says` : `the deploy of ${image} did not write anything: ${outcome.kind === 'refused' ? outcome.reason : ''}`.slice(0, 300),
  });
  if (outcome.kind === 'deployed') await manifestsLines(out, { ...opened, context: ctx }, { kind: 'deploy', state: outcome.state }, link.incident);
  return report(out, outcome);
}

/**
 * The incident named could not be used, or several may be open and none was named: refused before
 * anything is touched, since emergency mode, the validation override and the timeline depend on it.
 * A store that cannot be read is only a note: the deploy or rollback must not wait on it.
 */
function refuseUnlinked(out: Reporter, link: IncidentLink, named: string | undefined): ExitCode | undefined {
  if (link.note === undefined) return undefined;
  if (named !== undefined) return out.failure(link.note, undefined, EXIT.usage);
  if (link.ambiguous) return out.failure(link.ambiguous.reason, `Say which with --incident=ID, or --incident=${NO_INCIDENT} to record it in none.`, EXIT.usage);
  out.line(`note: not recorded in an incident: ${link.note}`);
  return undefined;
}

function noteIncident(out: Reporter, link: IncidentLink): void {
  for (const line of incidentLinkLines(link)) out.line(line);
}

function report(out: Reporter, outcome: Awaited<ReturnType<typeof deploy>>): ExitCode {
  switch (outcome.kind) {
    case 'deployed':
      return out.result({ deployed: true, message: outcome.message, state: outcome.state }, [outcome.message]);
    case 'rolled-back':
      return out.failure(`The deploy failed: ${outcome.reason}`, `Rolled back automatically: ${outcome.message}.`, EXIT.failed, { rolledBack: outcome.message, state: outcome.state });
    case 'stopped':
      return out.failure(outcome.reason, 'Resume with deploy --continue, or undo with rollback.', EXIT.stopped, { state: outcome.state });
    default:
      return out.refused(outcome);
  }
}

type RollbackOptions = Common & { target: string; version: string; immediate?: boolean; yes?: boolean; incident?: string } & GitopsFlags;

export function rollbackVerb(io: Io, options: RollbackOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  return interruptibly(stopping(out), (signal) => rollbackWith(out, options, signal));
}

async function rollbackWith(out: Reporter, options: RollbackOptions, signal: AbortSignal): Promise<ExitCode> {
  const contradiction = conflictingFlags(out, options);
  if (contradiction !== undefined) return contradiction;
  let toRevision: number | undefined;
  if (options.version !== 'previous') {
    toRevision = Number(options.version);
    if (!Number.isInteger(toRevision) || toRevision < 1) return out.failure(`"${options.version}" is not a revision.`, 'Use --version=previous or a revision number (hotfix-deployer targets shows them).', EXIT.usage);
  }
  const opened = await open(out, options, options.target, signal);
  if (typeof opened === 'number') return opened;
  const root = opened.workspace.location.root;
  const link = await linkedIncident(root, options.incident);
  const unlinked = refuseUnlinked(out, link, options.incident);
  if (unlinked !== undefined) return unlinked;
  // A rollback is imperative too: the controller would re-apply what git says (maybe the broken version).
  const paused = await guardOrExit(out, root, opened.context, { verb: 'rolling back', flags: options, confirmed: options.yes === true, ...(link.incident ? { incident: link.incident } : {}) });
  if (typeof paused === 'number') return paused;
  const outcome = await rollback(opened.context, { ...(toRevision !== undefined ? { toRevision } : {}), immediate: options.immediate === true, confirmed: options.yes === true });
  // Rolled back: the cluster now differs from git, so the pause stays; refused: nothing changed, restore.
  await afterLines(out, root, opened.context, {
    outcome: outcome.kind === 'refused' ? 'refused' : 'changed',
    paused,
    ...(link.incident ? { incident: link.incident } : {}),
    reason: `the rollback did not write anything${outcome.kind === 'refused' ? `: ${outcome.reason}` : ''}`.slice(0, 300),
  });
  if (outcome.kind === 'rolled-back') {
    noteIncident(out, await recordInIncident(root, link.incident, [{ type: 'rollback', target: opened.target.name, reason: outcome.message }]));
    await manifestsLines(out, opened, { kind: 'rollback' }, link.incident);
    return out.result({ rolledBack: true, message: outcome.message, ms: outcome.ms, ...(link.incident ? { incident: link.incident } : {}) }, [`Rolled back in ${outcome.ms} ms: ${outcome.message}.`]);
  }
  return out.refused(outcome);
}

export async function targetsVerb(io: Io, options: Common): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const { openWorkspace } = await import('../adapters/workspace.js');
  const ws = await openWorkspace(options.repo ?? process.cwd());
  if (!ws.ok) return out.refused(ws);
  const names = targetNames(ws.value.config);
  if (names.length === 0) return out.result({ targets: [] }, ['No deploy targets: add them under targets: in .hotfix/config.yaml.']);
  const states = [];
  const lines: string[] = [];
  for (const name of names) {
    const opened = await openDeploy(options.repo ?? process.cwd(), name, options.kubeconfig ? { kubeconfig: options.kubeconfig } : {});
    if (!opened.ok) {
      states.push({ target: name, error: opened.reason });
      lines.push(`${name}: ${opened.reason}`);
      continue;
    }
    const s = await describeTarget(opened.value.context);
    states.push(s);
    lines.push(`${s.target} (${s.strategy}${s.protected ? ', protected' : ''}) context ${s.context}, namespace ${s.namespace}${s.liveColour ? `, live ${s.liveColour}` : ''}`);
    for (const d of s.deployments) lines.push(`  ${d.live ? '*' : ' '} ${d.name} ${d.images.join(', ')} rev ${d.revision ?? '-'} ${d.available}/${d.replicas} available`);
    if (s.canary) {
      const at = s.canary.step !== undefined ? `step ${s.canary.step} of ${s.canary.steps.length} (${s.canary.phase ?? ''}), ` : '';
      lines.push(`  canary ${at}${s.canary.weight}% of traffic (${s.canary.traffic})${s.canary.error ? `: ${s.canary.error}` : ''}`);
    }
    if (s.error) lines.push(`  ${s.error}`);
    if (s.last && s.last.finishedAt === undefined) lines.push(`  unfinished deploy of ${s.last.image} by ${s.last.actor} since ${s.last.startedAt}: deploy --continue or rollback`);
  }
  // A pipeline that records or backs up the live state must not pass with a target it could not read.
  const unread = states.filter((s) => !('deployments' in s) || s.unreachable === true).map((s) => s.target);
  if (unread.length > 0) {
    for (const line of lines) out.line(line);
    return out.failure(`${unread.length} of ${names.length} target${names.length === 1 ? '' : 's'} could not be read: ${unread.join(', ')}.`, 'Check the kube context and the connection; the others are listed.', EXIT.failed, { targets: states });
  }
  return out.result({ targets: states }, lines);
}

export function retireVerb(io: Io, options: Common & { target: string; now?: boolean; yes?: boolean }): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  return interruptibly(stopping(out), (signal) => retireWith(out, options, signal));
}

async function retireWith(out: Reporter, options: Common & { target: string; now?: boolean; yes?: boolean }, signal: AbortSignal): Promise<ExitCode> {
  const opened = await open(out, options, options.target, signal);
  if (typeof opened === 'number') return opened;
  const outcome = await retireOldColour(opened.context, { now: options.now === true, confirmed: options.yes === true });
  if (outcome.kind === 'refused') return out.refused(outcome);
  return out.result({ retired: outcome.kind === 'retired', message: outcome.message, ...(outcome.kind === 'not-due' ? { dueAt: outcome.dueAt } : {}) }, [outcome.message]);
}

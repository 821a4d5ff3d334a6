// `create`, `finish` and `status`: parse, open the repository, call the hotfix engine, print.

import type { Command } from 'commander';
import { finishedEvent, linkedIncident, recordInIncident } from '../app/incident-link';
import { openWorkspace, type OpenWorkspace } from '../adapters/workspace';
import type { BranchingModel } from '../core/config/types';
import { createHotfix } from '../core/hotfix/create';
import { abortFinish, continueFinish, finishHotfix, type FinishOutcome } from '../core/hotfix/finish';
import { parseIssueKey } from '../core/hotfix/naming';
import { hotfixStatus } from '../core/hotfix/status';
import { parseSeverity, type Severity } from '../core/severity';
import { EXIT, type ExitCode } from './exit-codes';
import { reporter, short, type Reporter } from './output';
import type { Io } from './program';
import { baseFromRunning, fromRunningUsage } from './running-commands';

interface Common {
  readonly repo?: string;
  readonly json?: boolean;
}

type Runner = (code: ExitCode) => void;

type CreateOptions = Common & { issue: string; title: string; from?: string; severity?: string; model?: string; incident?: string; target?: string; onDrift?: string; kubeconfig?: string };

export function registerHotfixCommands(program: Command, io: Io, setExit: Runner): void {
  program
    .command('create')
    .description('create a hotfix branch hotfix/ISSUE-title from the production release (gitflow) or production tip (trunk)')
    .requiredOption('--issue <key>', 'the tracker issue, e.g. PROD-2847 (or a plain id such as 2847)')
    .option('--title <text>', 'a short description; becomes the branch slug', '')
    .option('--from <ref>', 'base: production, a tag, any ref, or running (the commit --target runs now) (default: the latest release tag in gitflow, production in trunk)')
    .option('--target <name>', 'with --from=running: the target whose running commit to branch from')
    .option('--on-drift <base>', 'with --from=running, when the target runs another commit than the production release: running or tag')
    .option('--kubeconfig <file>', 'with --from=running: the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--severity <level>', 'SEV0 to SEV3 (or critical, high, medium, low)')
    .option('--model <model>', 'gitflow or trunk, overriding .hotfix/config.yaml')
    .option('--incident <id>', 'the incident the hotfix is for (default: the only open incident, if any)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: CreateOptions) => {
      setExit(await create(io, options));
    });

  program
    .command('finish')
    .description('finish the hotfix: merge/fast-forward to production, tag, bring the fix to develop or main, delete, push')
    .option('--continue', 'resume after resolving a conflict or fixing a failure')
    .option('--abort', 'undo the finish in progress: every branch and tag back where it was')
    .option('--no-push', 'do not push branches and the tag')
    .option('--branch <name>', 'the hotfix branch (default: the one checked out, or the only one)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: Common & { continue?: boolean; abort?: boolean; push: boolean; branch?: string }) => {
      setExit(await finish(io, options));
    });

  program
    .command('status')
    .alias('list')
    .description('the production baseline, the hotfix branches (local and remote) and any unfinished finish')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: Common) => {
      setExit(await status(io, options));
    });
}

async function open(out: Reporter, options: Common, model?: BranchingModel): Promise<OpenWorkspace | ExitCode> {
  const opened = await openWorkspace(options.repo ?? process.cwd(), model ? { git: { model } } : {});
  if (!opened.ok) {
    return out.refused(opened);
  }
  const { location, context } = opened.value;
  out.line(`repository ${location.root} (${context.settings.model}, production: ${context.settings.productionBranch})`);
  return opened.value;
}

async function create(io: Io, options: CreateOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const key = parseIssueKey(options.issue);
  if (!key.ok) {
    return out.failure(key.reason, key.hint, EXIT.usage);
  }
  let severity: Severity | undefined;
  if (options.severity !== undefined) {
    severity = parseSeverity(options.severity);
    if (severity === undefined) {
      return out.failure(`"${options.severity}" is not a severity.`, 'Use SEV0, SEV1, SEV2 or SEV3 (or critical, high, medium, low).', EXIT.usage);
    }
  }
  if (options.model !== undefined && options.model !== 'gitflow' && options.model !== 'trunk') {
    return out.failure(`"${options.model}" is not a branching model.`, 'Use --model=gitflow or --model=trunk.', EXIT.usage);
  }
  const fromRunning = options.from === 'running';
  const usage = fromRunning ? fromRunningUsage(options) : options.onDrift !== undefined ? '--on-drift goes with --from=running.' : undefined;
  if (usage) return out.failure(usage, 'e.g. hotfix-deployer create --issue=PROD-1 --from=running --target=production', EXIT.usage);
  const opened = await open(out, options, options.model);
  if (typeof opened === 'number') return opened;
  // The incident the hotfix is for: the one named (checked before anything is created), else the only open one.
  const link = await linkedIncident(opened.location.root, options.incident);
  if (link.note && options.incident !== undefined) return out.failure(link.note, undefined, EXIT.usage);
  // --from=running: the commit the target runs, unless it drifted from the release and the person chose the tag.
  const base = fromRunning
    ? await baseFromRunning(out, opened.location.root, link.incident, {
        issue: key.value,
        title: options.title,
        target: options.target ?? '',
        ...(options.onDrift !== undefined ? { onDrift: options.onDrift } : {}),
        ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
        ...(options.repo !== undefined ? { repo: options.repo } : {}),
        ...(options.model !== undefined ? { model: options.model } : {}),
      })
    : { from: options.from };
  if (typeof base === 'number') return base;
  const result = await createHotfix(
    opened.context,
    {
      issue: key.value,
      title: options.title,
      ...(base.from !== undefined ? { from: base.from } : {}),
      ...('baseRef' in base && base.baseRef !== undefined ? { baseRef: base.baseRef } : {}),
      ...(severity ? { severity } : {}),
    },
    (m) => out.progress(m),
  );
  if (!result.ok) {
    return out.failure(result.reason, result.hint, EXIT.failed, 'dirtyFiles' in result ? { dirtyFiles: result.dirtyFiles } : {});
  }
  const r = result.value;
  const recorded = link.incident ? await recordInIncident(opened.location.root, link.incident, [{ type: 'hotfix-created', branch: r.branch, issueKey: r.issueKey }]) : link;
  const running = 'report' in base ? base.report : undefined;
  return out.result({ hotfix: r, ...(recorded.incident ? { incident: recorded.incident } : {}), ...(running ? { running: running.running, drift: running.drift ?? null } : {}) }, [
    `Created ${r.branch} from ${r.baseline.ref.startsWith('running:') ? `the commit ${r.baseline.ref.slice('running:'.length)} runs` : (r.baseline.tag ?? r.baseline.ref)} (${short(r.baseline.sha)}) and checked it out.`,
    ...(r.issueUrl ? [`Issue: ${r.issueUrl}`] : []),
    ...(recorded.incident ? [`Recorded in ${recorded.incident}'s timeline.`] : []),
    ...(recorded.note ? [`note: not recorded in an incident: ${recorded.note}`] : []),
    'Next: commit the fix, then run hotfix-deployer finish.',
  ]);
}

async function finish(io: Io, options: Common & { continue?: boolean; abort?: boolean; push: boolean; branch?: string }): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  if (options.continue && options.abort) {
    return out.failure('--continue and --abort cannot be used together.', 'Choose one.', EXIT.usage);
  }
  const opened = await open(out, options);
  if (typeof opened === 'number') return opened;
  const progress = (m: string) => out.progress(m);
  const outcome = options.continue
    ? await continueFinish(opened.context, progress)
    : options.abort
      ? await abortFinish(opened.context, progress)
      : await finishHotfix(opened.context, { push: options.push, ...(options.branch ? { branch: options.branch } : {}) }, progress);
  if (outcome.kind === 'finished') {
    // Into the linked incident's timeline: the tag, the branches and the fix's commits.
    const root = opened.location.root;
    const link = await linkedIncident(root);
    const recorded = await recordInIncident(root, link.incident, [finishedEvent(outcome)]);
    if (recorded.incident) out.line(`recorded in ${recorded.incident}'s timeline`);
    else if (link.note ?? recorded.note) out.line(`note: not recorded in an incident: ${link.note ?? recorded.note ?? ''}`);
  }
  return reportFinish(out, outcome, options.abort === true);
}

function reportFinish(out: Reporter, outcome: FinishOutcome, aborting: boolean): ExitCode {
  if (outcome.kind === 'finished') {
    const { state } = outcome;
    return out.result({ finished: state.branch, tag: state.tag ?? null, pushed: outcome.pushed, head: outcome.head, steps: state.done }, [
      `Finished ${state.branch}: ${state.done.join(', ')}.`,
      ...(state.tag ? [`Tagged ${state.tag}.`] : []),
      outcome.pushed ? `Pushed to ${state.remote ?? 'the remote'}.` : 'Nothing was pushed.',
      `Now on ${outcome.head}.`,
    ]);
  }
  if (outcome.kind === 'stopped') {
    return out.failure(
      `The finish stopped at ${outcome.step}: conflicts in ${outcome.files.join(', ')}.`,
      `Resolve them, git add the files, then run hotfix-deployer finish --continue (or finish --abort to undo the whole finish).`,
      EXIT.stopped,
      { stopped: outcome.step, files: outcome.files },
    );
  }
  if (aborting && /aborted; every branch/.test(outcome.reason)) {
    return out.result({ aborted: true }, [outcome.reason]);
  }
  return out.failure(outcome.reason, outcome.hint, outcome.resumable ? EXIT.stopped : EXIT.failed, { resumable: outcome.resumable });
}

async function status(io: Io, options: Common): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const opened = await open(out, options);
  if (typeof opened === 'number') return opened;
  const s = await hotfixStatus(opened.context);
  const lines = [
    `production ${s.production.branch} ${short(s.production.sha)}${s.production.tag ? `, release ${s.production.tag} (${short(s.production.tagSha)}${s.production.date ? `, ${s.production.date}` : ''})` : ''}`,
  ];
  if (s.branches.length === 0) lines.push('no hotfix branches');
  for (const b of s.branches) {
    const where = [b.local ? 'local' : '', b.remote ? 'remote' : ''].filter(Boolean).join('+');
    lines.push(`${b.current ? '*' : ' '} ${b.name}  ${b.issueKey}  ${b.commits.length} ahead  ${where}${b.baseline ? `  from ${b.baseline.tag ?? b.baseline.ref}` : ''}${b.issueUrl ? `  ${b.issueUrl}` : ''}`);
  }
  if (s.finish) {
    const f = s.finish;
    lines.push(`finish of ${f.branch} in progress: done ${f.done.join(', ') || 'nothing'}; next ${f.next ?? '-'}`);
    if (f.stopped) lines.push(`  stopped on conflicts in ${f.stopped.files.join(', ')}: resolve, git add, then finish --continue (or --abort)`);
    if (f.lastError) lines.push(`  failed at ${f.lastError.step}: ${f.lastError.message}`);
  }
  return out.result({ status: s }, lines);
}

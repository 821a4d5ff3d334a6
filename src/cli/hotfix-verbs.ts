// `create`, `finish` and `status`: call the operation in src/app with the flags, print its outcome. Loaded
// when one of them runs (the options: hotfix-commands.ts).

import { pullRequestLine } from '../core/hotfix/forge';
import { createHotfix, type CreateOutcome, type DriftUnresolved } from '../app/hotfix-create';
import { finishHotfix, type FinishResult } from '../app/hotfix-finish';
import { finishRequests, requestDescription } from '../app/hotfix-requests';
import { noteRepository } from '../app/narrate';
import { hotfixStatus } from '../core/hotfix/status';
import { cliEnv, type CommonFlags } from './compose';
import { EXIT, type ExitCode } from './exit-codes';
import { reporter, short, type Reporter } from './output';
import type { Io } from './program';
import { stoppedWith } from './refused';
import { remedyCommand, shellValue } from './remedy';
import { incidentLines, runningLines } from './running-verb';

export type CreateOptions = CommonFlags & { issue: string; title: string; from?: string; severity?: string; model?: string; incident?: string; target?: string; onDrift?: string };
export type FinishOptions = CommonFlags & { continue?: boolean; abort?: boolean; push: boolean; branch?: string };

export async function createVerb(io: Io, options: CreateOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  if (options.model !== undefined && options.model !== 'gitflow' && options.model !== 'trunk') {
    return out.failure(`"${options.model}" is not a branching model.`, 'Use --model=gitflow or --model=trunk.', EXIT.usage);
  }
  if (options.onDrift !== undefined && options.onDrift !== 'running' && options.onDrift !== 'tag') {
    return out.failure(`--on-drift=${options.onDrift}: use --on-drift=running or --on-drift=tag.`, 'e.g. hotfix-deployer create --issue=PROD-1 --from=running --target=production --on-drift=running', EXIT.usage);
  }
  const outcome = await createHotfix(cliEnv(io, out, options), {
    issue: options.issue,
    title: options.title,
    // The CLI stashes nothing: uncommitted changes are refused, for the person to commit or stash.
    stash: false,
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.target !== undefined ? { target: options.target } : {}),
    ...(options.onDrift !== undefined ? { onDrift: options.onDrift } : {}),
    ...(options.severity !== undefined ? { severity: options.severity } : {}),
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(options.incident !== undefined ? { incident: options.incident } : {}),
  });
  // What runs and where its drift went, before the outcome: also when nothing was created.
  if (outcome.kind !== 'cancelled' && outcome.running) {
    for (const line of [...runningLines(outcome.running.report), ...incidentLines(outcome.running.recorded)]) out.line(line);
  }
  return reportCreate(out, outcome, options);
}

function reportCreate(out: Reporter, outcome: CreateOutcome, options: CreateOptions): ExitCode {
  switch (outcome.kind) {
    case 'cancelled':
    case 'refused':
      return stoppedWith(out, outcome);
    case 'drift':
      return reportDrift(out, outcome, options);
    case 'created': {
      const { hotfix: r, link, running } = outcome;
      return out.result({ hotfix: r, ...(link.incident ? { incident: link.incident } : {}), ...(running ? { running: running.report.running, drift: running.report.drift ?? null } : {}) }, [
        `Created ${r.branch} from ${r.baseline.ref.startsWith('running:') ? `the commit ${r.baseline.ref.slice('running:'.length)} runs` : (r.baseline.tag ?? r.baseline.ref)} (${short(r.baseline.sha)}) and checked it out.`,
        ...(r.issueUrl ? [`Issue: ${r.issueUrl}`] : []),
        ...(link.incident ? [`Recorded in ${link.incident}'s timeline.`] : link.note ? [`note: not recorded in an incident: ${link.note}`] : []),
        'Next: commit the fix, then run hotfix-deployer finish.',
      ]);
    }
  }
}

/** Both ways on, as command lines to copy: the same create with --on-drift, and this run's --kubeconfig and --repo. */
function reportDrift(out: Reporter, outcome: DriftUnresolved, options: CommonFlags): ExitCode {
  const { failed, running } = outcome;
  const context = [...(options.kubeconfig ? [`--kubeconfig=${shellValue(options.kubeconfig)}`] : []), ...(options.repo ? [`--repo=${shellValue(options.repo)}`] : [])];
  const commands = (failed.remedies ?? []).map((r) => `    ${[remedyCommand(r), ...context].join(' ')}${r.why ? `   # ${r.why}` : ''}`);
  return out.failure(failed.reason, [failed.hint ?? '', ...commands].join('\n'), EXIT.usage, {
    drift: running.report.drift,
    running: running.report.running,
    ...(running.recorded.incident ? { incident: running.recorded.incident } : {}),
    remedies: failed.remedies ?? [],
  });
}

export async function finishVerb(io: Io, options: FinishOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const outcome = await finishHotfix(cliEnv(io, out, options), {
    push: options.push,
    ...(options.continue ? { continue: true } : {}),
    ...(options.abort ? { abort: true } : {}),
    ...(options.branch !== undefined ? { branch: options.branch } : {}),
  });
  return reportFinish(out, outcome);
}

function reportFinish(out: Reporter, outcome: FinishResult): ExitCode {
  switch (outcome.kind) {
    case 'finished': {
      const { state, link } = outcome;
      if (link.incident) out.line(`recorded in ${link.incident}'s timeline`);
      else if (link.note) out.line(`note: not recorded in an incident: ${link.note}`);
      return out.result({ finished: state.branch, tag: state.tag ?? null, pushed: outcome.pushed, head: outcome.head, steps: state.done }, [
        `Finished ${state.branch}: ${state.done.join(', ')}.`,
        ...(state.tag ? [`Tagged ${state.tag}.`] : []),
        outcome.pushed ? `Pushed to ${state.remote ?? 'the remote'}.` : 'Nothing was pushed.',
        `Now on ${outcome.head}.`,
      ]);
    }
    case 'stopped':
      return out.failure(
        `The finish stopped at ${outcome.step}: conflicts in ${outcome.files.join(', ')}.`,
        `Resolve them, git add the files, then run hotfix-deployer finish --continue (or finish --abort to undo the whole finish).`,
        EXIT.stopped,
        { stopped: outcome.step, files: outcome.files },
      );
    case 'waiting': {
      const { pull, target, state } = outcome;
      return out.failure(
        `The finish of ${state.branch} waits for its ${target} request to be merged: ${pullRequestLine(pull, outcome.noun)}.`,
        [`Open it: ${pull.url}`, ...(outcome.note ? [outcome.note] : []), 'Once the forge has merged it, run hotfix-deployer finish --continue (or finish --abort to close the requests this finish opened).'].join('\n  '),
        EXIT.stopped,
        { waiting: target, pull, pulls: state.pulls ?? {} },
      );
    }
    case 'aborted':
      return out.result({ aborted: true, branch: outcome.branch, ...(outcome.closed ? { closed: outcome.closed } : {}) }, [
        outcome.closed ? `The finish of ${outcome.branch} was aborted${outcome.closed.length > 0 ? `: ${outcome.closed.join('; ')}` : ''}.` : `The finish of ${outcome.branch} was aborted; every branch and tag is back where it was.`,
      ]);
    case 'cancelled':
      return stoppedWith(out, outcome);
    case 'failed':
      return out.refused(outcome, { resumable: outcome.resumable }, outcome.resumable ? EXIT.stopped : undefined);
  }
}

export async function statusVerb(io: Io, options: CommonFlags): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const env = cliEnv(io, out, options);
  const opened = await env.workspace();
  if (!opened.ok) return out.refused(opened);
  noteRepository(env, opened.value);
  const s = await hotfixStatus(opened.value.context);
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
  // Through a forge: each request as the forge shows it now (reviews, checks, mergeability).
  const requests = s.finish?.pulls && Object.keys(s.finish.pulls).length > 0 ? await finishRequests(env) : undefined;
  if (requests?.kind === 'requests') {
    for (const r of requests.rows) lines.push(`  ${r.into === requests.waitingOn ? 'waiting for ' : ''}${requests.noun} #${r.number} into ${r.into}: ${requestDescription(r)}  ${r.url}`);
  }
  return out.result({ status: s, ...(requests?.kind === 'requests' ? { requests: requests.rows } : {}) }, lines);
}

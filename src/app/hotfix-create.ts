// Creating a hotfix branch, once for the CLI and VS Code: the request checked before anything is read,
// the base (as asked, or the commit a target runs, its drift from the release recorded and the choice
// asked when none was given), the branch (offering to stash uncommitted work) and the incident timeline.

import type { BranchingModel } from '../core/config/types';
import { createHotfix as createBranch, type CreateInput } from '../core/hotfix/create';
import { parseIssueKey } from '../core/hotfix/naming';
import type { HotfixRecord } from '../core/hotfix/records';
import { stashForHotfix } from '../core/hotfix/stash';
import { FILL_IN, remedy, type Remedy, type RemedyValue } from '../core/remedy';
import { badInput, failed, type Failed } from '../core/result';
import { describeDrift, type Drift } from '../core/running';
import { parseSeverity, type Severity } from '../core/severity';
import { CANCELLED, noteRepository, refusedWith, type Cancelled, type Refused } from './narrate';
import type { AppEnv } from './env';
import { linkIncident, recordEvents, type IncidentLink } from './incident-link';
import { recordDriftIn, runningOf, type RunningReport } from './running';

/** When a target runs another commit than the production release: branch from what runs, or from the release. */
export type DriftChoice = 'running' | 'tag';

export interface CreateRequest {
  readonly issue: string;
  readonly title?: string;
  /** `production`, a tag, any ref, or `running` (the commit `target` runs); default: the model's baseline. */
  readonly from?: string;
  /** How the record names a base found elsewhere (`running:<target>`, from runningBase); with `from` only. */
  readonly baseRef?: string;
  /** With `from: 'running'`: the target whose running commit to branch from. */
  readonly target?: string;
  /** With `from: 'running'`, when the target drifted: which base; asked when absent. */
  readonly onDrift?: DriftChoice;
  /** SEV0 to SEV3, or critical, high, medium, low. */
  readonly severity?: string;
  /** Overrides the configured branching model. */
  readonly model?: BranchingModel;
  /** The incident the hotfix is for: its id, `none`, or absent for the only open one. */
  readonly incident?: string;
  /** Uncommitted changes: stash them (true), refuse (false), or ask the person (absent). */
  readonly stash?: boolean;
}

/** What a target runs, read for a hotfix's base, and where its drift was recorded. */
export interface RunningFound {
  readonly report: RunningReport;
  readonly recorded: IncidentLink;
}

/** A drift nobody chose a base for: what runs, what was recorded, and the refusal with both choices as remedies. */
export interface DriftUnresolved {
  readonly kind: 'drift';
  readonly running: RunningFound & { readonly report: RunningReport & { readonly drift: Drift } };
  readonly failed: Failed;
}

export type CreateOutcome =
  | {
      readonly kind: 'created';
      readonly hotfix: HotfixRecord;
      /** The incident timeline the creation went to, or why none. */
      readonly link: IncidentLink;
      /** With `from: 'running'`: what runs there. */
      readonly running?: RunningFound;
      /** The stash message, when uncommitted work was put aside first. */
      readonly stashed?: string;
    }
  | DriftUnresolved
  | (Refused & { readonly running?: RunningFound })
  | Cancelled;

export async function createHotfix(env: AppEnv, request: CreateRequest): Promise<CreateOutcome> {
  const checked = checkRequest(request);
  if ('kind' in checked) return checked;
  const { issue, severity } = checked;
  const title = request.title ?? '';
  const opened = await env.workspace(request.model ? { git: { model: request.model } } : {});
  if (!opened.ok) return refusedWith(opened);
  const { context } = opened.value;
  noteRepository(env, opened.value);

  // The incident: the one named (checked before anything is read or created), else the only open one.
  const link = await linkIncident(env, request.incident);
  if (request.incident !== undefined && link.note !== undefined) return refusedWith(badInput(link.note));

  let base: Pick<CreateInput, 'from' | 'baseRef'> = {
    ...(request.from !== undefined ? { from: request.from } : {}),
    ...(request.from !== undefined && request.baseRef !== undefined ? { baseRef: request.baseRef } : {}),
  };
  let running: RunningFound | undefined;
  // What the person gave, for remedies that run the create again.
  const given = { issue, ...(title ? { title } : {}) };
  if (request.from === 'running') {
    const runningRequest = { target: request.target ?? '', ...(request.onDrift ? { onDrift: request.onDrift } : {}), ...(request.model ? { model: request.model } : {}) };
    const found = await baseFromRunning(env, runningRequest, given, link);
    if (found.kind !== 'base') return found;
    running = found.found;
    base = { ...(found.from !== undefined ? { from: found.from } : {}), ...(found.baseRef !== undefined ? { baseRef: found.baseRef } : {}) };
  }
  const input: CreateInput = { issue, title, ...base, ...(severity ? { severity } : {}) };

  const progress = (message: string) => env.interaction.progress(message);
  let result = await createBranch(context, input, progress);
  let stashed: string | undefined;
  // Stash when asked to, or when the person says so; a CLI passes false (its confirm says yes unasked).
  if (!result.ok && 'dirtyFiles' in result && (request.stash === true || (request.stash === undefined && env.interaction.interactive))) {
    const stash =
      request.stash ??
      (await env.interaction.confirm({
        action: `${result.reason} Stash them and create the hotfix branch`,
        detail: 'They are kept in a named stash (git stash list) to restore later with git stash pop.',
        button: 'Stash and Create',
      }));
    if (!stash) return CANCELLED;
    stashed = await stashForHotfix(context, issue);
    env.interaction.note(`stashed: ${stashed}`);
    result = await createBranch(context, input, progress);
  }
  if (!result.ok) {
    const remedies = 'remedies' in result && result.remedies ? { remedies: withGiven(result.remedies, given) } : {};
    return { ...refusedWith({ ...result, ...remedies }, 'dirtyFiles' in result ? { dirtyFiles: result.dirtyFiles } : undefined), ...(running ? { running } : {}) };
  }
  const hotfix = result.value;
  const recorded = link.incident ? await recordEvents(env, link.incident, [{ type: 'hotfix-created', branch: hotfix.branch, issueKey: hotfix.issueKey }]) : link;
  return { kind: 'created', hotfix, link: recorded, ...(running ? { running } : {}), ...(stashed !== undefined ? { stashed } : {}) };
}

export interface RunningBaseRequest {
  readonly target: string;
  readonly onDrift?: DriftChoice;
  readonly model?: BranchingModel;
  /** The incident a drift is recorded in: its id, `none`, or absent for the only open one. */
  readonly incident?: string;
}

export type RunningBaseOutcome =
  /** Branch from `from` (named `baseRef` in the record); no `from`: from the production release, as a plain create. */
  | { readonly kind: 'base'; readonly found: RunningFound; readonly from?: string; readonly baseRef?: string }
  | DriftUnresolved
  | Refused
  | Cancelled;

/**
 * The base of a hotfix from what `target` runs, before anything else is asked (VS Code reads it first,
 * then asks for the issue): the running commit, or the release when it drifted and the person chose it.
 */
export function runningBase(env: AppEnv, request: RunningBaseRequest): Promise<RunningBaseOutcome> {
  return baseFromRunning(env, request, { issue: FILL_IN });
}

async function baseFromRunning(env: AppEnv, request: RunningBaseRequest, again: Readonly<Record<string, RemedyValue>>, given?: IncidentLink): Promise<RunningBaseOutcome> {
  const { target } = request;
  env.interaction.progress(`Reading what ${target} runs`);
  const opened = await env.target(target);
  if (!opened.ok) return refusedWith(opened);
  const read = await runningOf(opened.value, request.model);
  if (!read.ok) return refusedWith(read);
  const report = read.value;
  const drift = report.drift;
  const link = drift ? (given ?? (await linkIncident(env, request.incident))) : {};
  const recorded = drift ? await recordDriftIn(env, report, link.incident) : {};
  const found: RunningFound = { report, recorded };
  const runs = { kind: 'base', found, from: report.running.commit.sha, baseRef: `running:${target}` } as const;
  if (!drift) return runs;
  const choice = request.onDrift ?? (env.interaction.interactive ? await askDrift(env, report, drift) : undefined);
  if (choice === 'running') return runs;
  if (choice === 'tag') return { kind: 'base', found };
  if (env.interaction.interactive) return CANCELLED;
  const { running } = report;
  const choose = (onDrift: DriftChoice, why: string): Remedy => remedy('create', { ...again, from: 'running', target, onDrift }, { why });
  return {
    kind: 'drift',
    running: { report: { ...report, drift }, recorded },
    failed: {
      ...failed(
        `Drift on ${target}: it runs ${drift.runningSha} (${running.image.image}, via ${running.commit.via}), but the production release is ${drift.expected} at ${drift.expectedSha}; ${describeDrift(drift)}. Nothing was created.`,
        'Choose the base:',
        [choose('running', 'branch from what runs'), choose('tag', `branch from ${drift.expected}`)],
      ),
      failure: 'ambiguous',
    },
  };
}

/** Both commits, plainly: what runs (and how it was read) and the production release. */
function askDrift(env: AppEnv, report: RunningReport, drift: Drift): Promise<DriftChoice | undefined> {
  const { running } = report;
  return env.interaction.choose<DriftChoice>({
    subject: 'drift',
    title: `${running.target} has drifted: ${describeDrift(drift)}. Which commit should the hotfix branch start from?`,
    choices: [
      {
        label: `Branch from what runs: ${drift.runningSha.slice(0, 12)}`,
        detail: `${running.image.image} on ${running.deployment}, read from ${running.commit.detail}. The fix goes onto exactly what production runs.`,
        value: 'running',
      },
      {
        label: `Branch from ${drift.expected}: ${drift.expectedSha.slice(0, 12)}`,
        detail: 'The production release: what production should run; the fix ships without whatever else was deployed.',
        value: 'tag',
      },
    ],
  });
}

/** The request's words checked before anything is opened: the issue key, the severity, a base from what runs. */
function checkRequest(request: CreateRequest): { readonly issue: string; readonly severity?: Severity } | Refused {
  const key = parseIssueKey(request.issue);
  if (!key.ok) return refusedWith(key);
  const title = request.title ?? '';
  let severity: Severity | undefined;
  if (request.severity !== undefined) {
    severity = parseSeverity(request.severity);
    if (severity === undefined) return refusedWith(badInput(`"${request.severity}" is not a severity.`, 'Use SEV0, SEV1, SEV2 or SEV3 (or critical, high, medium, low).'));
  }
  const fromRunning = request.from === 'running';
  if (fromRunning && (request.target === undefined || request.target === '')) {
    return refusedWith({
      ...badInput('A hotfix from what runs needs the target whose running commit to branch from.', 'Name the target.'),
      remedies: [remedy('create', { issue: key.value, ...(title ? { title } : {}), from: 'running', target: FILL_IN })],
    });
  }
  if (!fromRunning && request.onDrift !== undefined) {
    return refusedWith(badInput('A choice for a drift applies only to a hotfix from what a target runs.', 'Branch from what runs, or leave the drift choice out.'));
  }
  return { issue: key.value, ...(severity ? { severity } : {}) };
}

/** The engine's `create` remedies, with what the person already gave (the issue and title). */
function withGiven(remedies: readonly Remedy[], given: Readonly<Record<string, RemedyValue>>): Remedy[] {
  return remedies.map((r) => (r.operation === 'create' ? { ...r, options: { ...given, ...r.options } } : r));
}

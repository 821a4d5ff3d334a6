// @ts-check
// What the fake GitLab (gitlab.mjs) answers with and writes: its entities filled as GitLab fills them (every field
// gitlab-schemas.mjs requires, URLs on the fake's own host laid out as GitLab's: API under /api/v4, pages at
// /group/project/-/...), and the two git writes GitLab makes that git-merge.mjs does not: a merge commit committed by
// the merging user, and finding the commit that brought a merge request's head into its target ("merged manually").
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };

/**
 * @typedef {{ api: string, web: string, host: string }} Site  api: http://127.0.0.1:PORT/api/v4, web: http://127.0.0.1:PORT
 * @typedef {{ id: number, iid: number, sha: string, ref: string, status: string, createdAt: string, updatedAt: string, startedAt: string | null, finishedAt: string | null }} PipelineRecord
 * @typedef {{ user: string, at: string }} ApprovalRecord
 * @typedef {{ id: number, iid: number, title: string, description: string | null, author: string, source: string, target: string,
 *   headSha: string, baseSha: string, state: 'opened' | 'closed' | 'merged', createdAt: string, updatedAt: string,
 *   mergedAt: string | null, mergedBy: string | null, mergeCommitSha: string | null, closedAt: string | null, closedBy: string | null,
 *   approvals: ApprovalRecord[], checkedFor: string | undefined, removeSource: boolean, headShas: string[] }} MergeRequestRecord
 * @typedef {{ id: number, path: string, name: string, namespace: string, gitDir: string, createdAt: string,
 *   approvals: Record<string, number>, pipelinesMustSucceed: boolean, ci: boolean,
 *   mrs: Map<number, MergeRequestRecord>, nextIid: number, pipelines: PipelineRecord[] }} ProjectRecord
 * @typedef {{ detailed: string, mergeStatus: string, hasConflicts: boolean }} Status
 */

/** GitLab's timestamps: ISO 8601 with milliseconds, in UTC. */
export const now = () => new Date().toISOString();

/** A stable id for a username, so a user is the same user in every answer. */
const userId = (/** @type {string} */ username) => createHash('sha256').update(username).digest().readUInt32BE(0) % 9_000_000 + 1_000_000;
/** "grace-reviewer" → "Grace Reviewer": the display name GitLab shows beside the username. */
const displayName = (/** @type {string} */ username) => username.split(/[-_.]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');

/** The commit email GitLab uses for a user's web merges (their private commit email). */
export const commitEmail = (/** @type {string} */ username) => `${userId(username)}-${username}@users.noreply.gitlab.example`;
export const commitName = displayName;

export function user(/** @type {Site} */ site, /** @type {string} */ username) {
  return { id: userId(username), username, name: displayName(username), state: 'active', locked: false, avatar_url: null, web_url: `${site.web}/${username}` };
}

export function project(/** @type {Site} */ site, /** @type {ProjectRecord} */ p, /** @type {string | null} */ defaultBranch) {
  const [namespace = ''] = p.path.split(/\/(?=[^/]+$)/);
  return {
    id: p.id, description: null, name: p.name, name_with_namespace: p.path.split('/').map(displayName).join(' / '), path: p.name, path_with_namespace: p.path,
    created_at: p.createdAt, default_branch: defaultBranch, tag_list: [], topics: [], ssh_url_to_repo: `git@${site.host.replace(/:\d+$/, '')}:${p.path}.git`,
    http_url_to_repo: `${site.web}/${p.path}.git`, web_url: `${site.web}/${p.path}`, readme_url: null, forks_count: 0, star_count: 0, last_activity_at: p.createdAt,
    visibility: 'private', namespace: { id: userId(namespace), name: displayName(namespace.split('/').at(-1) ?? ''), path: namespace.split('/').at(-1) ?? '', kind: 'group', full_path: namespace, parent_id: null, avatar_url: null, web_url: `${site.web}/groups/${namespace}` },
    archived: false, empty_repo: false, issues_enabled: true, merge_requests_enabled: true, jobs_enabled: p.ci, open_issues_count: 0,
    // Merge commits (never fast-forward), the pipeline rule this project was started with, and GitLab's default templates.
    merge_method: 'merge', only_allow_merge_if_pipeline_succeeds: p.pipelinesMustSucceed, only_allow_merge_if_all_discussions_are_resolved: false,
    remove_source_branch_after_merge: false, merge_commit_template: null, squash_commit_template: null, squash_option: 'default_off',
    permissions: { project_access: { access_level: 30, notification_level: 3 }, group_access: null },
  };
}

export function pipeline(/** @type {Site} */ site, /** @type {ProjectRecord} */ p, /** @type {PipelineRecord} */ pl, { expanded = false, author = '' } = {}) {
  const basic = {
    id: pl.id, iid: pl.iid, project_id: p.id, sha: pl.sha, ref: pl.ref, status: pl.status, source: 'push', created_at: pl.createdAt, updated_at: pl.updatedAt,
    web_url: `${site.web}/${p.path}/-/pipelines/${pl.id}`,
  };
  if (!expanded) return basic;
  const duration = pl.startedAt && pl.finishedAt ? Math.round((Date.parse(pl.finishedAt) - Date.parse(pl.startedAt)) / 1000) : null;
  return {
    ...basic, before_sha: '0000000000000000000000000000000000000000', tag: false, yaml_errors: null, user: user(site, author), started_at: pl.startedAt,
    finished_at: pl.finishedAt, committed_at: null, duration, queued_duration: null, coverage: null,
    detailed_status: {
      icon: `status_${pl.status}`, text: pl.status, label: pl.status, group: pl.status, tooltip: pl.status, has_details: true,
      details_path: `/${p.path}/-/pipelines/${pl.id}`, illustration: null, favicon: `/assets/ci_favicons/favicon_status_${pl.status}.png`,
    },
  };
}

/**
 * A merge request: as lists show it, or (`full`) as show, create, update and merge answer, with its head pipeline.
 * @param {Site} site @param {ProjectRecord} p @param {MergeRequestRecord} mr @param {Status} status
 * @param {{ full?: boolean, headPipeline?: PipelineRecord, viewer?: string }} [options]
 */
export function mergeRequest(site, p, mr, status, { full = false, headPipeline, viewer = '' } = {}) {
  const who = (/** @type {string | null} */ name) => (name ? user(site, name) : null);
  const draft = /^\s*(\[draft\]|\(draft\)|draft:)/i.test(mr.title);
  const basic = {
    id: mr.id, iid: mr.iid, project_id: p.id, title: mr.title, description: mr.description, state: mr.state, created_at: mr.createdAt, updated_at: mr.updatedAt,
    merged_by: who(mr.mergedBy), merge_user: who(mr.mergedBy), merged_at: mr.mergedAt, closed_by: who(mr.closedBy), closed_at: mr.closedAt,
    target_branch: mr.target, source_branch: mr.source, user_notes_count: 0, upvotes: 0, downvotes: 0, author: user(site, mr.author), assignees: [], assignee: null,
    reviewers: [], source_project_id: p.id, target_project_id: p.id, labels: [], draft, work_in_progress: draft, milestone: null, merge_when_pipeline_succeeds: false,
    merge_status: status.mergeStatus, detailed_merge_status: status.detailed, sha: mr.headSha, merge_commit_sha: mr.mergeCommitSha, squash_commit_sha: null,
    discussion_locked: null, should_remove_source_branch: mr.removeSource ? true : null, force_remove_source_branch: mr.removeSource,
    prepared_at: mr.checkedFor !== undefined ? mr.createdAt : null, reference: `!${mr.iid}`, references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${p.path}!${mr.iid}` },
    web_url: `${site.web}/${p.path}/-/merge_requests/${mr.iid}`,
    time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
    squash: false, squash_on_merge: false, task_completion_status: { count: 0, completed_count: 0 }, has_conflicts: status.hasConflicts, blocking_discussions_resolved: true,
  };
  if (!full) return basic;
  const finished = headPipeline?.finishedAt ?? null;
  return {
    ...basic, subscribed: mr.author === viewer, changes_count: mr.checkedFor !== undefined ? '1' : null, latest_build_started_at: headPipeline?.startedAt ?? null,
    latest_build_finished_at: finished, first_deployed_to_production_at: null,
    pipeline: headPipeline ? pipeline(site, p, headPipeline) : null, head_pipeline: headPipeline ? pipeline(site, p, headPipeline, { expanded: true, author: mr.author }) : null,
    diff_refs: mr.checkedFor !== undefined ? { base_sha: mr.baseSha, head_sha: mr.headSha, start_sha: mr.baseSha } : null,
    merge_error: null, first_contribution: false, user: { can_merge: true },
  };
}

/** GET .../approvals: who approved, how many the target branch's rule requires, how many are left. */
export function approvalState(/** @type {Site} */ site, /** @type {ProjectRecord} */ p, /** @type {MergeRequestRecord} */ mr, /** @type {string} */ mergeStatus) {
  const required = p.approvals[mr.target] ?? 0;
  return {
    id: mr.id, iid: mr.iid, project_id: p.id, title: mr.title, description: mr.description, state: mr.state, created_at: mr.createdAt, updated_at: mr.updatedAt,
    merge_status: mergeStatus, approved: mr.approvals.length >= required, approvals_required: required, approvals_left: Math.max(0, required - mr.approvals.length),
    require_password_to_approve: false, approved_by: mr.approvals.map((a) => ({ user: user(site, a.user), approved_at: a.at })),
    suggested_approvers: [], approvers: [], approver_groups: [], user_has_approved: false, user_can_approve: false, approval_rules_left: [],
    has_approval_rules: required > 0, merge_request_approvers_available: true, multiple_approval_rules_available: true, invalid_approvers_rules: [],
  };
}

/** GitLab's default merge commit message (Settings > Merge requests > Merge commit message template). */
export const mergeMessage = (/** @type {ProjectRecord} */ p, /** @type {MergeRequestRecord} */ mr) =>
  `Merge branch '${mr.source}' into '${mr.target}'\n\n${mr.title}\n\nSee merge request ${p.path}!${mr.iid}`;

async function git(/** @type {string} */ gitDir, /** @type {string[]} */ args, /** @type {Record<string, string>} */ env = {}, ok = [0]) {
  try {
    const { stdout } = await run('git', ['--git-dir', gitDir, ...args], { env: { ...ENV, ...env } });
    return { code: 0, out: stdout.trim() };
  } catch (error) {
    const e = /** @type {{ code?: unknown, stdout?: string, stderr?: string }} */ (error);
    if (typeof e.code === 'number' && ok.includes(e.code)) return { code: e.code, out: (e.stdout ?? '').trim() };
    throw new Error(`git ${args.join(' ')} failed: ${(e.stderr ?? String(error)).trim().split('\n')[0]}`, { cause: error });
  }
}

/**
 * The merge commit GitLab writes (parents: target, source; authored and committed by the merging user), moved onto the
 * target branch only if it still points at `base`: GitLab refuses the merge when the target moved under it.
 * @param {string} gitDir
 * @param {{ target: string, base: string, head: string, tree: string, message: string, by: string }} merge
 * @returns {Promise<{ ok: true, sha: string } | { ok: false }>}
 */
export async function writeMergeCommit(gitDir, { target, base, head, tree, message, by }) {
  const name = displayName(by), email = commitEmail(by);
  const env = { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
  const { out: sha } = await git(gitDir, ['commit-tree', tree, '-p', base, '-p', head, '-m', message], env);
  const moved = await git(gitDir, ['update-ref', '-m', 'merge request', `refs/heads/${target}`, sha, base], {}, [1, 128]);
  return moved.code === 0 ? { ok: true, sha } : { ok: false };
}

/** The commit on the target's first-parent line that brought `head` in (GitLab's "merged manually" detection). */
export async function commitThatMerged(/** @type {string} */ gitDir, /** @type {string} */ head, /** @type {string} */ tip) {
  // Newest first: the last one that still contains `head` is where it came in (itself, when fast-forwarded).
  const { out } = await git(gitDir, ['rev-list', '--first-parent', '--max-count=200', tip]);
  let found = tip;
  for (const sha of out.split('\n').filter(Boolean)) {
    if ((await git(gitDir, ['merge-base', '--is-ancestor', head, sha], {}, [1])).code !== 0) break;
    found = sha;
  }
  return found;
}

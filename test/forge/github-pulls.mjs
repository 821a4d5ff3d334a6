// @ts-check
// GitHub's merge button over a bare repository, for the fake GitHub (github.mjs): what a pull request's head and base
// are now, whether it merges cleanly, what its branch protection still waits for, and the merge itself, refused with
// GitHub's words (405, 409) or written into the bare remote as GitHub writes it.
import * as git from './git-merge.mjs';
import { noreplyEmail, now } from './github-objects.mjs';

/**
 * @typedef {import('./github-objects.mjs').RepoRecord & { checks: import('./github-objects.mjs').CheckRecord[] }} Repo
 * @typedef {import('./github-objects.mjs').PullRecord} Pull
 * @typedef {{ requiredApprovals?: number, requiredChecks?: string[] } | undefined} Rule
 * @typedef {{ mergeable: boolean | null, mergeableState: 'clean' | 'blocked' | 'dirty' | 'unknown', blockers: string[], tree?: string, conflicts?: string[] }} Assessment
 * @typedef {{ merged: true, sha: string } | { merged: false, status: 405 | 409, message: string }} MergeResult
 */

/** Conclusions that satisfy a required check, as on GitHub. */
const PASSING = ['success', 'neutral', 'skipped'];

/** An open pull request follows its branches: a push to head (or to base) shows on the next read. */
export async function refresh(/** @type {Repo} */ r, /** @type {Pull} */ pr) {
  if (pr.state !== 'open') return;
  const [head, base] = await Promise.all([git.branchSha(r.gitDir, pr.head), git.branchSha(r.gitDir, pr.base)]);
  pr.headSha = head ?? pr.headSha;
  pr.baseSha = base ?? pr.baseSha;
}

/** What the base branch's protection still waits for, in the words of GitHub's 405 answers. */
function blockers(/** @type {Repo} */ r, /** @type {Pull} */ pr, /** @type {Rule} */ rule) {
  if (!rule) return [];
  /** @type {Map<string, string>} the verdict that counts: each reviewer's latest approval or change request */
  const verdicts = new Map();
  for (const v of pr.reviews) if (v.state === 'APPROVED' || v.state === 'CHANGES_REQUESTED') verdicts.set(v.user, v.state);
  const out = [];
  const need = rule.requiredApprovals ?? 0;
  const approvals = [...verdicts.values()].filter((v) => v === 'APPROVED').length;
  if (approvals < need) out.push(`At least ${need} approving review${need === 1 ? ' is' : 's are'} required by reviewers with write access.`);
  // The fake's wording: a change request blocks the merge even with enough approvals.
  if ([...verdicts.values()].includes('CHANGES_REQUESTED')) out.push('Changes requested by a reviewer with write access block merging.');
  for (const name of rule.requiredChecks ?? []) {
    const run = r.checks.findLast((c) => c.headSha === pr.headSha && c.name === name);
    if (!run) out.push(`Required status check "${name}" is expected.`);
    else if (run.status !== 'completed') out.push(`Required status check "${name}" is in progress.`);
    else if (!PASSING.includes(run.conclusion ?? '')) out.push(`Required status check "${name}" is failing.`);
  }
  return out;
}

/**
 * Mergeability as GitHub computes it in the background: a conflict is "dirty" (mergeable false), unmet protection
 * "blocked" (mergeable true: the merge itself would apply), else "clean". Closed pull requests are "unknown".
 * @returns {Promise<Assessment>}
 */
export async function assess(/** @type {Repo} */ r, /** @type {Pull} */ pr, /** @type {Rule} */ rule) {
  await refresh(r, pr);
  if (pr.state !== 'open') return { mergeable: null, mergeableState: 'unknown', blockers: [] };
  const merge = await git.mergeTree(r.gitDir, pr.baseSha, pr.headSha);
  if (!merge.clean) return { mergeable: false, mergeableState: 'dirty', blockers: ['Pull Request is not mergeable'], conflicts: merge.conflicts };
  const waiting = blockers(r, pr, rule);
  return { mergeable: true, mergeableState: waiting.length ? 'blocked' : 'clean', blockers: waiting, tree: merge.tree };
}

/**
 * The fields only a full pull request carries. GitHub answers `mergeable: null` ("unknown") until its background job
 * has run: here the first pulls/get after the pull request was opened, or after its head or base moved (`poll`
 * marks that read; other answers just show what is known).
 */
export async function pullDetails(/** @type {Repo} */ r, /** @type {Pull} */ pr, /** @type {Rule} */ rule, poll = false) {
  await refresh(r, pr);
  const [assessment, counts] = await Promise.all([assess(r, pr, rule), git.diffCounts(r.gitDir, pr.baseSha, pr.headSha)]);
  const key = `${pr.headSha}:${pr.baseSha}`;
  const known = pr.state !== 'open' || pr.assessedFor === key;
  if (poll) pr.assessedFor = key;
  return {
    mergeable: known ? assessment.mergeable : null, mergeableState: known ? assessment.mergeableState : 'unknown', ...counts,
  };
}

/**
 * The merge button (pulls/merge, or a maintainer in a test): refused as GitHub refuses it, else a merge commit
 * "Merge pull request #N from owner/branch" (parents: base, head) or a squash commit on the base branch of the bare
 * remote, committed by GitHub and authored by `by`; the pull request is then merged and closed.
 * @param {Repo} r
 * @param {Pull} pr
 * @param {Rule} rule
 * @param {{ method: 'merge' | 'squash' | 'rebase', by: string, sha?: string, title?: string, message?: string }} options
 * @returns {Promise<MergeResult>}
 */
export async function mergePull(r, pr, rule, { method, by, sha, title, message }) {
  /** @returns {MergeResult} */
  const refuse = (/** @type {405 | 409} */ status, /** @type {string} */ text) => ({ merged: false, status, message: text });
  if (pr.state !== 'open') return refuse(405, 'Pull Request is not mergeable');
  const assessment = await assess(r, pr, rule);
  if (sha !== undefined && sha !== pr.headSha) return refuse(409, 'Head branch was modified. Review and try the merge again.');
  if (method === 'rebase') return refuse(405, 'Rebase merges are not allowed on this repository.');
  if (!assessment.tree) return refuse(405, assessment.blockers[0] ?? 'Pull Request is not mergeable');
  if (assessment.blockers.length > 0) return refuse(405, assessment.blockers[0] ?? '');
  const squash = method === 'squash';
  const subject = title ?? (squash ? `${pr.title} (#${pr.number})` : `Merge pull request #${pr.number} from ${r.owner}/${pr.head}`);
  const body = message ?? (squash ? pr.body ?? '' : pr.title);
  const written = await git.writeMerge(r.gitDir, {
    baseRef: pr.base, base: pr.baseSha, head: pr.headSha, tree: assessment.tree, squash,
    message: body ? `${subject}\n\n${body}` : subject, author: { name: by, email: noreplyEmail(by) },
  });
  if (!written.ok) return refuse(405, 'Base branch was modified. Review and try the merge again.');
  const at = now();
  Object.assign(pr, { merged: true, mergedAt: at, mergedBy: by, mergeCommitSha: written.sha, state: 'closed', closedAt: at, updatedAt: at });
  return { merged: true, sha: written.sha };
}

// @ts-check
// The objects the fake GitHub answers with, filled as GitHub fills them: every field its description requires (a
// pull request alone requires 42, its head and base repositories 70 each), URLs on the fake's own host laid out as
// GitHub Enterprise lays them out (API under /api/v3, pages at the root), so a client that follows a URL reaches the fake.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';

/** @typedef {{ api: string, web: string, host: string }} Site  api: http://127.0.0.1:PORT/api/v3, web: http://127.0.0.1:PORT */
/**
 * @typedef {{ owner: string, name: string, fullName: string, gitDir: string, id: number, createdAt: string }} RepoRecord
 * @typedef {{ id: number, user: string, state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'PENDING', body: string, commitId: string, submittedAt: string }} ReviewRecord
 * @typedef {{ number: number, id: number, title: string, body: string | null, user: string, head: string, base: string,
 *   headSha: string, baseSha: string, state: 'open' | 'closed', draft: boolean, maintainerCanModify: boolean,
 *   merged: boolean, mergedAt: string | null, mergedBy: string | null, mergeCommitSha: string | null,
 *   createdAt: string, updatedAt: string, closedAt: string | null, reviews: ReviewRecord[], comments: number,
 *   assessedFor: string | undefined }} PullRecord
 * @typedef {{ id: number, name: string, headSha: string, status: string, conclusion: string | null, startedAt: string | null,
 *   completedAt: string | null, detailsUrl: string | null, externalId: string | null, title: string | null, summary: string | null }} CheckRecord
 */

/** GitHub's timestamps: ISO 8601 to the second, in UTC. */
export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A stable numeric id for a login, so a user is the same user in every answer. */
const userId = (/** @type {string} */ login) => createHash('sha256').update(login).digest().readUInt32BE(0) % 90_000_000 + 1_000_000;
const nodeId = (/** @type {string} */ kind, /** @type {number} */ id) => `${kind}_kw${Buffer.from(String(id)).toString('base64url')}`;

/** A user (or, for a repository's owner, an organization) as simple-user. */
export function user(/** @type {Site} */ site, /** @type {string} */ login, type = 'User') {
  const id = userId(login);
  const url = `${site.api}/users/${login}`;
  return {
    login, id, node_id: nodeId(type === 'User' ? 'U' : 'O', id), avatar_url: `${site.web}/avatars/u/${id}`, gravatar_id: '',
    url, html_url: `${site.web}/${login}`, followers_url: `${url}/followers`, following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`, starred_url: `${url}/starred{/owner}{/repo}`, subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`, repos_url: `${url}/repos`, events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`, type, site_admin: false,
  };
}

/** The no-reply address GitHub authors a user's web commits with. */
export const noreplyEmail = (/** @type {string} */ login) => `${userId(login)}+${login}@users.noreply.github.com`;

/** URL templates of a repository, relative to its API URL. */
const REPO_URLS = {
  archive_url: '/{archive_format}{/ref}', assignees_url: '/assignees{/user}', blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}', collaborators_url: '/collaborators{/collaborator}', comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}', compare_url: '/compare/{base}...{head}', contents_url: '/contents/{+path}',
  contributors_url: '/contributors', deployments_url: '/deployments', downloads_url: '/downloads', events_url: '/events',
  forks_url: '/forks', git_commits_url: '/git/commits{/sha}', git_refs_url: '/git/refs{/sha}', git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks', issue_comment_url: '/issues/comments{/number}', issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}', keys_url: '/keys{/key_id}', labels_url: '/labels{/name}', languages_url: '/languages',
  merges_url: '/merges', milestones_url: '/milestones{/number}', notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}', releases_url: '/releases{/id}', stargazers_url: '/stargazers', statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers', subscription_url: '/subscription', tags_url: '/tags', teams_url: '/teams', trees_url: '/git/trees{/sha}',
};

/**
 * A repository as `repository` (a pull request's head and base) or, with `full`, as repos/get answers (full-repository).
 * Its clone_url is the bare repository itself (file://), so a client that clones from it reaches the same commits.
 */
export function repository(/** @type {Site} */ site, /** @type {RepoRecord} */ repo, { full = false, defaultBranch = 'main' } = {}) {
  const url = `${site.api}/repos/${repo.fullName}`;
  const urls = Object.fromEntries(Object.entries(REPO_URLS).map(([key, suffix]) => [key, url + suffix]));
  const base = {
    id: repo.id, node_id: nodeId('R', repo.id), name: repo.name, full_name: repo.fullName, private: true,
    owner: user(site, repo.owner, 'Organization'), html_url: `${site.web}/${repo.fullName}`, description: null, fork: false,
    url, ...urls, git_url: `git://${site.host}/${repo.fullName}.git`, ssh_url: `git@${site.host}:${repo.fullName}.git`,
    clone_url: pathToFileURL(repo.gitDir).href, svn_url: `${site.web}/${repo.fullName}`, mirror_url: null, homepage: null,
    language: null, forks_count: 0, forks: 0, stargazers_count: 0, watchers_count: 0, watchers: 0, size: 0,
    default_branch: defaultBranch, open_issues_count: 0, open_issues: 0, is_template: false, topics: [], has_issues: true,
    has_projects: false, has_wiki: false, has_pages: false, has_downloads: true, has_discussions: false, archived: false,
    disabled: false, visibility: 'private', license: null, pushed_at: repo.createdAt, created_at: repo.createdAt,
    updated_at: repo.createdAt, allow_forking: false, web_commit_signoff_required: false,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    // The merge button's settings: merge commits and squashes, never rebases (pulls/merge refuses them as GitHub does).
    allow_merge_commit: true, allow_squash_merge: true, allow_rebase_merge: false, allow_auto_merge: false,
    delete_branch_on_merge: false, allow_update_branch: false,
  };
  return full ? { ...base, network_count: 0, subscribers_count: 0 } : base;
}

/**
 * A pull request, as pulls/get and pulls/create answer (pull-request), or as pulls/list lists it (pull-request-simple:
 * without `details`, which carries the fields only the full object has: mergeable, counts, merged).
 * @param {Site} site
 * @param {RepoRecord} repo
 * @param {PullRecord} pr
 * @param {{ mergeable: boolean | null, mergeableState: string, commits: number, additions: number, deletions: number, changedFiles: number }} [details]
 */
export function pullRequest(site, repo, pr, details) {
  const repoUrl = `${site.api}/repos/${repo.fullName}`;
  const url = `${repoUrl}/pulls/${pr.number}`;
  const htmlUrl = `${site.web}/${repo.fullName}/pull/${pr.number}`;
  const issueUrl = `${repoUrl}/issues/${pr.number}`;
  const statusesUrl = `${repoUrl}/statuses/${pr.headSha}`;
  const repoObject = repository(site, repo);
  const side = (/** @type {string} */ ref, /** @type {string} */ sha) =>
    ({ label: `${repo.owner}:${ref}`, ref, sha, user: user(site, repo.owner, 'Organization'), repo: repoObject });
  const simple = {
    url, id: pr.id, node_id: nodeId('PR', pr.id), html_url: htmlUrl, diff_url: `${htmlUrl}.diff`, patch_url: `${htmlUrl}.patch`,
    issue_url: issueUrl, commits_url: `${url}/commits`, review_comments_url: `${url}/comments`,
    review_comment_url: `${repoUrl}/pulls/comments{/number}`, comments_url: `${issueUrl}/comments`, statuses_url: statusesUrl,
    number: pr.number, state: pr.state, locked: false, title: pr.title, user: user(site, pr.user), body: pr.body,
    labels: [], milestone: null, active_lock_reason: null, created_at: pr.createdAt, updated_at: pr.updatedAt,
    closed_at: pr.closedAt, merged_at: pr.mergedAt, merge_commit_sha: pr.mergeCommitSha, assignee: null, assignees: [],
    requested_reviewers: [], requested_teams: [], head: side(pr.head, pr.headSha), base: side(pr.base, pr.baseSha),
    _links: {
      self: { href: url }, html: { href: htmlUrl }, issue: { href: issueUrl }, comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` }, review_comment: { href: `${repoUrl}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` }, statuses: { href: statusesUrl },
    },
    author_association: 'MEMBER', auto_merge: null, draft: pr.draft,
  };
  if (!details) return simple;
  return {
    ...simple, merged: pr.merged, mergeable: details.mergeable, rebaseable: details.mergeable === null ? null : false,
    mergeable_state: details.mergeableState, merged_by: pr.mergedBy ? user(site, pr.mergedBy) : null, comments: pr.comments,
    review_comments: 0, maintainer_can_modify: pr.maintainerCanModify, commits: details.commits,
    additions: details.additions, deletions: details.deletions, changed_files: details.changedFiles,
  };
}

/** A review (pull-request-review). */
export function review(/** @type {Site} */ site, /** @type {RepoRecord} */ repo, /** @type {PullRecord} */ pr, /** @type {ReviewRecord} */ r) {
  const prUrl = `${site.api}/repos/${repo.fullName}/pulls/${pr.number}`;
  const htmlUrl = `${site.web}/${repo.fullName}/pull/${pr.number}#pullrequestreview-${r.id}`;
  return {
    id: r.id, node_id: nodeId('PRR', r.id), user: user(site, r.user), body: r.body, state: r.state, html_url: htmlUrl,
    pull_request_url: prUrl, author_association: 'MEMBER', submitted_at: r.submittedAt, commit_id: r.commitId,
    _links: { html: { href: htmlUrl }, pull_request: { href: prUrl } },
  };
}

/** The GitHub Actions app, which runs the checks of the tests' repositories. */
function actionsApp(/** @type {Site} */ site) {
  return {
    id: 15368, slug: 'github-actions', node_id: 'MDM6QXBwMTUzNjg=', owner: user(site, 'github', 'Organization'),
    name: 'GitHub Actions', description: 'Automate your workflow from idea to production',
    external_url: `${site.web}/features/actions`, html_url: `${site.web}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z', updated_at: '2024-04-10T20:33:16Z',
    permissions: { checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' },
    events: ['check_run', 'check_suite', 'pull_request', 'push'],
  };
}

/**
 * A check run (check-run), with the open pull requests whose head it ran on.
 * @param {Site} site
 * @param {RepoRecord} repo
 * @param {CheckRecord} run
 * @param {PullRecord[]} pulls
 */
export function checkRun(site, repo, run, pulls) {
  const repoUrl = `${site.api}/repos/${repo.fullName}`;
  const url = `${repoUrl}/check-runs/${run.id}`;
  const ref = (/** @type {string} */ name, /** @type {string} */ sha) =>
    ({ ref: name, sha, repo: { id: repo.id, url: repoUrl, name: repo.name } });
  return {
    id: run.id, node_id: nodeId('CR', run.id), head_sha: run.headSha, external_id: run.externalId ?? '', url,
    html_url: `${site.web}/${repo.fullName}/runs/${run.id}`, details_url: run.detailsUrl ?? `${site.web}/${repo.fullName}/runs/${run.id}`,
    status: run.status, conclusion: run.conclusion, started_at: run.startedAt, completed_at: run.completedAt, name: run.name,
    output: { title: run.title, summary: run.summary, text: null, annotations_count: 0, annotations_url: `${url}/annotations` },
    check_suite: { id: run.id + 500_000 }, app: actionsApp(site),
    pull_requests: pulls.map((pr) => ({ id: pr.id, number: pr.number, url: `${repoUrl}/pulls/${pr.number}`, head: ref(pr.head, pr.headSha), base: ref(pr.base, pr.baseSha) })),
  };
}

/**
 * The combined commit status (combined-commit-status). The fake keeps no commit statuses (checks replaced them), and
 * with none GitHub answers "pending", not "success": a client that gates on it waits forever.
 */
export function combinedStatus(/** @type {Site} */ site, /** @type {RepoRecord} */ repo, /** @type {string} */ sha) {
  const commitUrl = `${site.api}/repos/${repo.fullName}/commits/${sha}`;
  return { state: 'pending', sha, total_count: 0, statuses: [], repository: repository(site, repo), commit_url: commitUrl, url: `${commitUrl}/status` };
}

/** A comment on a pull request's conversation (issue-comment). */
export function issueComment(/** @type {Site} */ site, /** @type {RepoRecord} */ repo, /** @type {number} */ number, /** @type {{ id: number, body: string, user: string, createdAt: string }} */ c) {
  const issueUrl = `${site.api}/repos/${repo.fullName}/issues/${number}`;
  return {
    id: c.id, node_id: nodeId('IC', c.id), url: `${site.api}/repos/${repo.fullName}/issues/comments/${c.id}`,
    html_url: `${site.web}/${repo.fullName}/pull/${number}#issuecomment-${c.id}`, issue_url: issueUrl, body: c.body,
    user: user(site, c.user), created_at: c.createdAt, updated_at: c.createdAt, author_association: 'MEMBER',
  };
}

/**
 * A branch with its protection (branch-with-protection), from the commit it points at.
 * @param {Site} site
 * @param {RepoRecord} repo
 * @param {string} name
 * @param {string} sha
 * @param {Awaited<ReturnType<typeof import('./git-merge.mjs').commitInfo>>} info
 * @param {{ requiredApprovals?: number, requiredChecks?: string[] } | undefined} rule
 */
export function branch(site, repo, name, sha, info, rule) {
  const repoUrl = `${site.api}/repos/${repo.fullName}`;
  const branchUrl = `${repoUrl}/branches/${encodeURIComponent(name)}`;
  const checks = rule?.requiredChecks ?? [];
  return {
    name, protected: Boolean(rule), protection_url: `${branchUrl}/protection`,
    _links: { self: branchUrl, html: `${site.web}/${repo.fullName}/tree/${name}` },
    protection: {
      enabled: Boolean(rule),
      required_status_checks: { enforcement_level: rule ? 'non_admins' : 'off', contexts: checks, checks: checks.map((context) => ({ context, app_id: null })) },
    },
    ...(rule?.requiredApprovals ? { required_approving_review_count: rule.requiredApprovals } : {}),
    commit: {
      sha, node_id: nodeId('C', parseInt(sha.slice(0, 8), 16)), url: `${repoUrl}/commits/${sha}`,
      html_url: `${site.web}/${repo.fullName}/commit/${sha}`, comments_url: `${repoUrl}/commits/${sha}/comments`,
      commit: {
        url: `${repoUrl}/git/commits/${sha}`, author: info.author, committer: info.committer, message: info.message,
        comment_count: 0, tree: { sha: info.tree, url: `${repoUrl}/git/trees/${info.tree}` },
      },
      // Commits whose e-mail matches no account carry no user: GitHub answers an empty object, never null here.
      author: {}, committer: {},
      parents: info.parents.map((p) => ({ sha: p, url: `${repoUrl}/commits/${p}`, html_url: `${site.web}/${repo.fullName}/commit/${p}` })),
    },
  };
}

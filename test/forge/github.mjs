// @ts-check
// A fake GitHub for the tests of finishing a hotfix through pull requests, held to GitHub's published description
// (github-contract.mjs): every request the product sends is checked against it, every answer the fake gives too, and
// each mismatch lands in `violations`. It keeps real state over real bare repositories: pull requests read their head
// from the branch, mergeability comes from `git merge-tree`, protection (approvals, required checks) blocks the merge
// button, and a merge writes GitHub's merge commit into the bare remote. Served on 127.0.0.1, with and without the
// /api/v3 prefix of GitHub Enterprise.
import { createServer } from 'node:http';
import { invalidRequestMessage, loadContract } from './github-contract.mjs';
import * as git from './git-merge.mjs';
import * as gh from './github-objects.mjs';
import { mergePull, assess, pullDetails, refresh } from './github-pulls.mjs';

/** @typedef {import('./github-objects.mjs').RepoRecord & { pulls: Map<number, import('./github-objects.mjs').PullRecord>, checks: import('./github-objects.mjs').CheckRecord[], nextNumber: number }} RepoState */
/** @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }} Answer */
/** @typedef {{ [repo: string]: { [branch: string]: { requiredApprovals?: number, requiredChecks?: string[] } } }} Protection */

const DOCS = 'https://docs.github.com/rest';
const CHECK_STATUSES = ['queued', 'in_progress', 'completed'];

/**
 * Starts the fake on a free port of 127.0.0.1.
 * @param {{ repos: Record<string, string>, tokens: { valid: string[], expired?: string[] }, protection?: Protection,
 *   viewer?: string, log?: (line: string) => void }} options
 */
export async function startGithubForge({ repos, tokens, protection = {}, viewer = 'ada-oncall', log = () => {} }) {
  const started = performance.now();
  await git.assertGitVersion();
  const contract = await loadContract();
  let lastId = 1000;
  const nextId = () => ++lastId;
  /** @type {Map<string, RepoState>} */
  const state = new Map();
  for (const [fullName, gitDir] of Object.entries(repos)) {
    const [owner = '', name = ''] = fullName.split('/');
    if (!owner || !name) throw new Error(`startGithubForge: repository names are owner/name, not ${fullName}`);
    state.set(fullName, { owner, name, fullName, gitDir, id: nextId(), createdAt: gh.now(), pulls: new Map(), checks: [], nextNumber: 1 });
  }
  /** @type {string[]} */
  const violations = [];
  /** @type {{ method: string, path: string, operationId: string | undefined, status: number }[]} */
  const requests = [];
  /** @type {import('./github-objects.mjs').Site} */
  const site = { api: '', web: '', host: '' };
  const rules = (/** @type {RepoState} */ r, /** @type {string} */ branch) => protection[r.fullName]?.[branch];
  const repoOf = (/** @type {string} */ fullName) => {
    const r = state.get(fullName);
    if (!r) throw new Error(`the fake GitHub serves ${[...state.keys()].join(', ')}, not ${fullName}`);
    return r;
  };
  const pullOf = (/** @type {RepoState} */ r, /** @type {number} */ number) => {
    const pr = r.pulls.get(number);
    if (!pr) throw new Error(`${r.fullName} has no pull request #${number}`);
    return pr;
  };
  const reviewBy = (/** @type {string} */ fullName, /** @type {number} */ number, /** @type {string} */ user, /** @type {'APPROVED' | 'CHANGES_REQUESTED'} */ verdict) => {
    const pr = pullOf(repoOf(fullName), number);
    if (user === pr.user) throw new Error(`${user} opened #${number} and cannot review it: GitHub refuses reviews of one's own pull request`);
    pr.reviews.push({ id: nextId(), user, state: verdict, body: '', commitId: pr.headSha, submittedAt: gh.now() });
  };

  /** @param {string} operationId @param {Record<string, string>} params @param {Record<string, any>} query @param {Record<string, any>} body @returns {Promise<Answer>} */
  async function serve(operationId, params, query, body) {
    const docs = contract.documentationUrl(operationId);
    const fail = (/** @type {number} */ status, /** @type {string} */ message, /** @type {object} */ extra = {}) =>
      ({ status, body: { message, ...extra, documentation_url: docs, status: String(status) } });
    const invalid = (/** @type {object[]} */ errors) => fail(422, 'Validation Failed', { errors });
    const r = state.get(`${params['owner']}/${params['repo']}`);
    if (!r) return fail(404, 'Not Found');
    const number = Number(params['pull_number'] ?? params['issue_number']);
    const pr = r.pulls.get(number);
    const renderFull = async (/** @type {import('./github-objects.mjs').PullRecord} */ p, poll = false) =>
      gh.pullRequest(site, r, p, await pullDetails(r, p, rules(r, p.base), poll));
    switch (operationId) {
      case 'repos/get':
        return { status: 200, body: gh.repository(site, r, { full: true, defaultBranch: await git.defaultBranch(r.gitDir) }) };
      case 'repos/get-branch': {
        const sha = await git.branchSha(r.gitDir, params['branch'] ?? '');
        if (!sha) return fail(404, 'Branch not found');
        return { status: 200, body: gh.branch(site, r, params['branch'] ?? '', sha, await git.commitInfo(r.gitDir, sha), rules(r, params['branch'] ?? '')) };
      }
      case 'pulls/list': {
        const [headOwner, headBranch] = String(query['head'] ?? '').split(':');
        const wanted = query['state'] ?? 'open';
        const found = [...r.pulls.values()].filter((p) => (wanted === 'all' || p.state === wanted)
          // GitHub silently ignores a head filter without its owner: prefix, and lists every pull request.
          && (headBranch === undefined || (headOwner === r.owner && p.head === headBranch))
          && (query['base'] === undefined || p.base === query['base']));
        for (const p of found) await refresh(r, p);
        found.sort((a, b) => (query['direction'] === 'asc' ? a.number - b.number : b.number - a.number));
        return page(found.map((p) => gh.pullRequest(site, r, p)), query, `${site.api}/repos/${r.fullName}/pulls`);
      }
      case 'pulls/create': {
        const [headOwner, headBranch] = String(body['head']).includes(':') ? String(body['head']).split(':') : [r.owner, String(body['head'])];
        if (body['title'] === undefined && body['issue'] === undefined) return invalid([{ resource: 'Issue', code: 'missing_field', field: 'title' }]);
        if (body['issue'] !== undefined) return invalid([{ resource: 'PullRequest', code: 'invalid', field: 'issue' }]);
        const headSha = headOwner === r.owner ? await git.branchSha(r.gitDir, headBranch ?? '') : undefined;
        if (!headSha) return invalid([{ resource: 'PullRequest', code: 'invalid', field: 'head' }]);
        const baseSha = await git.branchSha(r.gitDir, body['base']);
        if (!baseSha) return invalid([{ resource: 'PullRequest', code: 'invalid', field: 'base' }]);
        if ([...r.pulls.values()].some((p) => p.state === 'open' && p.head === headBranch && p.base === body['base'])) {
          return invalid([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${r.owner}:${headBranch}.` }]);
        }
        if (await git.isAncestor(r.gitDir, headSha, baseSha)) {
          return invalid([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${body['base']} and ${headBranch}` }]);
        }
        const created = gh.now();
        /** @type {import('./github-objects.mjs').PullRecord} */
        const p = {
          number: r.nextNumber++, id: nextId(), title: body['title'], body: body['body'] ?? null, user: viewer, head: headBranch ?? '',
          base: body['base'], headSha, baseSha, state: 'open', draft: body['draft'] ?? false, maintainerCanModify: body['maintainer_can_modify'] ?? true,
          merged: false, mergedAt: null, mergedBy: null, mergeCommitSha: null, createdAt: created, updatedAt: created, closedAt: null,
          reviews: [], comments: 0, assessedFor: undefined,
        };
        r.pulls.set(p.number, p);
        const rendered = await renderFull(p);
        return { status: 201, body: rendered, headers: { location: rendered.url } };
      }
      case 'pulls/get':
        return pr ? { status: 200, body: await renderFull(pr, true) } : fail(404, 'Not Found');
      case 'pulls/update': {
        if (!pr) return fail(404, 'Not Found');
        if (body['state'] === 'open' && pr.merged) return invalid([{ resource: 'PullRequest', code: 'custom', message: 'state cannot be changed. The pull request has been merged.' }]);
        if (body['base'] !== undefined && !(await git.branchSha(r.gitDir, body['base']))) return invalid([{ resource: 'PullRequest', code: 'invalid', field: 'base' }]);
        for (const key of /** @type {const} */ (['title', 'body', 'base'])) if (body[key] !== undefined) pr[key] = body[key];
        if (body['maintainer_can_modify'] !== undefined) pr.maintainerCanModify = body['maintainer_can_modify'];
        if (body['state'] !== undefined && body['state'] !== pr.state) {
          pr.state = body['state'];
          pr.closedAt = pr.state === 'closed' ? gh.now() : null;
        }
        pr.updatedAt = gh.now();
        return { status: 200, body: await renderFull(pr) };
      }
      case 'pulls/list-reviews':
        return pr ? page(pr.reviews.map((v) => gh.review(site, r, pr, v)), query, `${site.api}/repos/${r.fullName}/pulls/${pr.number}/reviews`) : fail(404, 'Not Found');
      case 'pulls/create-review': {
        if (!pr) return fail(404, 'Not Found');
        /** @type {Record<string, 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED'>} */
        const verdicts = { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' };
        const verdict = verdicts[String(body['event'])];
        if (verdict && verdict !== 'COMMENTED' && pr.user === viewer) {
          // This answer's errors are strings (validation-error-simple), not the objects of other 422s.
          return fail(422, 'Unprocessable Entity', { errors: [`Can not ${verdict === 'APPROVED' ? 'approve' : 'request changes on'} your own pull request`] });
        }
        await refresh(r, pr);
        /** @type {import('./github-objects.mjs').ReviewRecord} */
        const v = { id: nextId(), user: viewer, state: verdict ?? 'PENDING', body: body['body'] ?? '', commitId: body['commit_id'] ?? pr.headSha, submittedAt: gh.now() };
        pr.reviews.push(v);
        return { status: 200, body: gh.review(site, r, pr, v) };
      }
      case 'pulls/merge': {
        if (!pr) return fail(404, 'Not Found');
        const result = await mergePull(r, pr, rules(r, pr.base), {
          method: body['merge_method'] ?? 'merge', sha: body['sha'], title: body['commit_title'], message: body['commit_message'], by: viewer,
        });
        return result.merged ? { status: 200, body: { sha: result.sha, merged: true, message: 'Pull Request successfully merged' } } : fail(result.status, result.message);
      }
      case 'checks/list-for-ref': {
        const sha = await git.resolveCommit(r.gitDir, params['ref'] ?? '');
        if (!sha) return fail(422, `No commit found for SHA: ${params['ref']}`);
        let runs = r.checks.filter((c) => c.headSha === sha && (query['check_name'] === undefined || c.name === query['check_name'])
          && (query['status'] === undefined || c.status === query['status']));
        // filter=latest (the default): the most recent run of each name.
        if (query['filter'] !== 'all') runs = runs.filter((c) => runs.findLast((d) => d.name === c.name) === c);
        const pulls = [...r.pulls.values()].filter((p) => p.state === 'open' && p.headSha === sha);
        return { status: 200, body: { total_count: runs.length, check_runs: runs.toReversed().map((c) => gh.checkRun(site, r, c, pulls)) } };
      }
      case 'checks/create': {
        const sha = await git.resolveCommit(r.gitDir, body['head_sha']);
        if (!sha || sha !== body['head_sha']) return invalid([{ resource: 'CheckRun', code: 'invalid', field: 'head_sha' }]);
        const status = body['conclusion'] !== undefined ? 'completed' : body['status'] ?? 'queued';
        if (status === 'completed' && body['conclusion'] === undefined) return invalid([{ resource: 'CheckRun', code: 'missing_field', field: 'conclusion' }]);
        if (!CHECK_STATUSES.includes(status)) return invalid([{ resource: 'CheckRun', code: 'invalid', field: 'status' }]);
        const run = {
          id: nextId(), name: body['name'], headSha: sha, status, conclusion: body['conclusion'] ?? null,
          startedAt: body['started_at'] ?? gh.now(), completedAt: status === 'completed' ? body['completed_at'] ?? gh.now() : null,
          detailsUrl: body['details_url'] ?? null, externalId: body['external_id'] ?? null, title: body['output']?.title ?? null, summary: body['output']?.summary ?? null,
        };
        r.checks.push(run);
        return { status: 201, body: gh.checkRun(site, r, run, [...r.pulls.values()].filter((p) => p.state === 'open' && p.headSha === sha)) };
      }
      case 'repos/get-combined-status-for-ref': {
        const sha = await git.resolveCommit(r.gitDir, params['ref'] ?? '');
        return sha ? { status: 200, body: gh.combinedStatus(site, r, sha) } : fail(404, `No commit found for SHA: ${params['ref']}`);
      }
      case 'issues/create-comment': {
        // The fake keeps no issues: an issue number is a pull request's (they share one sequence on GitHub).
        if (!pr) return fail(404, 'Not Found');
        pr.comments += 1;
        const comment = gh.issueComment(site, r, pr.number, { id: nextId(), body: body['body'], user: viewer, createdAt: gh.now() });
        return { status: 201, body: comment, headers: { location: comment.url } };
      }
      case 'git/delete-ref': {
        const ref = params['ref'] ?? '';
        if (!(await git.deleteRef(r.gitDir, ref))) return fail(422, 'Reference does not exist');
        // Deleting a pull request's head branch closes it, as on GitHub.
        for (const p of r.pulls.values()) if (p.state === 'open' && `heads/${p.head}` === ref) Object.assign(p, { state: 'closed', closedAt: gh.now(), updatedAt: gh.now() });
        return { status: 204 };
      }
      default:
        return fail(404, 'Not Found');
    }
  }

  /** A page of a list (per_page, page) with GitHub's Link header when there is more. @returns {Answer} */
  function page(/** @type {unknown[]} */ items, /** @type {Record<string, any>} */ query, /** @type {string} */ url) {
    const perPage = Math.min(Number(query['per_page'] ?? 30), 100), current = Number(query['page'] ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (/** @type {number} */ n, /** @type {string} */ rel) => `<${url}?per_page=${perPage}&page=${n}>; rel="${rel}"`;
    const links = current < last ? [link(current + 1, 'next'), link(last, 'last')] : [];
    return { status: 200, body: items.slice((current - 1) * perPage, current * perPage), headers: links.length ? { link: links.join(', ') } : {} };
  }

  /** Authentication first, then the description (route, then request), then the fake's answer, itself checked. */
  async function handle(/** @type {import('node:http').IncomingMessage} */ req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = normalizePath(url.pathname.replace(/^\/api\/v3(?=\/|$)/, '') || '/');
    const operationId = contract.match(method, path);
    const where = `${method} ${path}${operationId ? ` (${operationId})` : ''}`;
    const note = (/** @type {Answer} */ answer) => {
      requests.push({ method, path, operationId, status: answer.status });
      log(`${where} -> ${answer.status}`);
      return answer;
    };
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!token || !tokens.valid.includes(token)) {
      // No token: "Requires authentication"; any token GitHub does not accept, expired or unknown: "Bad credentials".
      return note({ status: 401, body: { message: token ? 'Bad credentials' : 'Requires authentication', documentation_url: DOCS, status: '401' } });
    }
    if (!operationId) {
      const documented = contract.describe(method, path);
      violations.push(`${method} ${path}: ${documented ? `${documented} is not served by the fake GitHub` : 'not an operation of GitHub\'s description'}`);
      return note({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
    }
    let body;
    try {
      body = raw.trim() === '' ? undefined : JSON.parse(raw);
    } catch {
      violations.push(`${where}: the body is not JSON`);
      return note({ status: 400, body: { message: 'Problems parsing JSON', documentation_url: contract.documentationUrl(operationId), status: '400' } });
    }
    /** @type {Record<string, string | string[]>} */
    const query = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      query[key] = values.length > 1 ? values : values[0] ?? '';
    }
    const request = { method, path, query, headers: /** @type {Record<string, string>} */ (req.headers), body };
    const errors = contract.validateRequest(request, operationId);
    if (errors.length > 0) {
      const message = invalidRequestMessage(errors);
      violations.push(`${where}: ${message.replace(/\n+/g, ' ')}`);
      return note({ status: 422, body: { message, documentation_url: contract.documentationUrl(operationId), status: '422' } });
    }
    const answer = await serve(operationId, contract.params(method, path), query, body ?? {});
    for (const problem of contract.validateResponse(operationId, answer.status, answer.body ?? null, answer.headers ?? {})) {
      violations.push(`${where}: the fake's answer is not GitHub's: ${problem}`);
    }
    return note(answer);
  }

  let requestCount = 0;
  const server = createServer((req, res) => {
    handle(req).then((answer) => {
      const json = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        ...(json ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'x-github-media-type': 'github.v3; format=json', 'x-github-api-version-selected': '2022-11-28',
        'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-resource': 'core',
        'x-github-request-id': `FAKE:${(++requestCount).toString(16).toUpperCase()}`, ...answer.headers,
      });
      res.end(json);
    }, (/** @type {unknown} */ error) => {
      violations.push(`${req.method} ${req.url}: the fake GitHub failed: ${error instanceof Error ? error.message : String(error)}`);
      res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'Server Error', documentation_url: DOCS, status: '500' }));
    });
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  Object.assign(site, { api: `http://127.0.0.1:${port}/api/v3`, web: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` });

  return {
    url: site.api,
    startupMs: Math.round(performance.now() - started),
    descriptionMs: contract.loadMs,
    violations,
    requests,
    approve: (/** @type {string} */ repo, /** @type {number} */ number, { user = 'grace-reviewer' } = {}) => reviewBy(repo, number, user, 'APPROVED'),
    requestChanges: (/** @type {string} */ repo, /** @type {number} */ number, { user = 'grace-reviewer' } = {}) => reviewBy(repo, number, user, 'CHANGES_REQUESTED'),
    /** @param {string} repo @param {string} sha @param {string} name @param {'queued' | 'in_progress' | 'completed'} status @param {string} [conclusion] */
    setCheck(repo, sha, name, status, conclusion) {
      if (!CHECK_STATUSES.includes(status)) throw new Error(`setCheck: a check is queued, in_progress or completed, not ${status}`);
      if ((status === 'completed') !== (conclusion !== undefined)) throw new Error('setCheck: a conclusion goes with status completed, and only with it');
      const r = repoOf(repo);
      const run = r.checks.findLast((c) => c.headSha === sha && c.name === name);
      const fields = { status, conclusion: conclusion ?? null, completedAt: status === 'completed' ? gh.now() : null };
      if (run) Object.assign(run, fields);
      else r.checks.push({ id: nextId(), name, headSha: sha, startedAt: gh.now(), detailsUrl: null, externalId: null, title: null, summary: null, ...fields });
    },
    /** What a maintainer's merge button does. @param {string} repo @param {number} number */
    async merge(repo, number, { method = /** @type {'merge' | 'squash' | 'rebase'} */ ('merge'), user = 'grace-reviewer' } = {}) {
      const r = repoOf(repo);
      const pr = pullOf(r, number);
      return mergePull(r, pr, rules(r, pr.base), { method, by: user });
    },
    /** The pull requests as the fake holds them, with mergeability computed now. @param {string} repo */
    async pulls(repo) {
      const r = repoOf(repo);
      return Promise.all([...r.pulls.values()].map(async (p) => ({ ...structuredClone(p), ...(await assess(r, p, rules(r, p.base))) })));
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve(undefined)); }),
  };
}

/**
 * Refs and branch names in the path may come with their slashes raw (heads/hotfix/x) or escaped (heads%2Fhotfix%2Fx);
 * GitHub takes both, the description's templates only the second.
 */
function normalizePath(/** @type {string} */ path) {
  const escape = (/** @type {string} */ s) => {
    try { return encodeURIComponent(decodeURIComponent(s)); } catch { return encodeURIComponent(s); }
  };
  return path
    .replace(/^(\/repos\/[^/]+\/[^/]+\/git\/refs\/)(.+)$/, (_, prefix, ref) => prefix + escape(ref))
    .replace(/^(\/repos\/[^/]+\/[^/]+\/commits\/)(.+)(\/(?:check-runs|status))$/, (_, prefix, ref, suffix) => prefix + escape(ref) + suffix)
    .replace(/^(\/repos\/[^/]+\/[^/]+\/branches\/)(?!.*\/(?:protection|rename|sync)(?:\/|$))(.+)$/, (_, prefix, name) => prefix + escape(name));
}

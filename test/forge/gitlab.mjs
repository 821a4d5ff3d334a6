// @ts-check
// A fake GitLab for the tests of finishing a hotfix through merge requests, held to GitLab's documented REST API
// (gitlab-schemas.mjs): every request's parameters are checked (GitLab's 400 when it would refuse them), every answer
// too before it is sent, and each mismatch lands in `violations`. It keeps real state over real bare repositories:
// merge requests follow their branches, approvals count against a rule per target branch (and reset on a push), each
// new head gets a pipeline the test moves on, detailed_merge_status says "checking" on the first read after a change
// and then what git and the rules say (conflicts from `git merge-tree`), a merge writes GitLab's merge commit into the
// bare remote, and a target branch that comes to contain a merge request's head marks it merged, as GitLab does.
// Served on 127.0.0.1 under /api/v4.
import { createServer } from 'node:http';
import * as git from './git-merge.mjs';
import * as gl from './gitlab-objects.mjs';
import { loadSchemas } from './gitlab-schemas.mjs';

/** @typedef {import('./gitlab-objects.mjs').ProjectRecord} Project */
/** @typedef {import('./gitlab-objects.mjs').MergeRequestRecord} MergeRequest */
/** @typedef {import('./gitlab-objects.mjs').Status} Status */
/** @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }} Answer */
/** @typedef {{ merged: true, sha: string } | { merged: false, status: 405 | 409 | 422, message: string, reason: string }} MergeResult */

const PIPELINE_STATUSES = ['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'success', 'failed', 'canceled', 'skipped', 'manual', 'scheduled'];
const RUNNING = new Set(['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'manual', 'scheduled']);
const FINISHED = new Set(['success', 'failed', 'canceled', 'skipped']);
const UPDATE_ATTRIBUTES = ['add_labels', 'allow_collaboration', 'allow_maintainer_to_push', 'assignee_id', 'assignee_ids', 'description', 'discussion_locked', 'labels',
  'merge_after', 'milestone_id', 'remove_labels', 'remove_source_branch', 'reviewer_ids', 'squash', 'state_event', 'target_branch', 'title'];
const message = (/** @type {number} */ status, /** @type {unknown} */ text) => ({ status, body: { message: text } });

/**
 * Starts the fake on a free port of 127.0.0.1.
 * @param {{ projects: Record<string, string>, tokens: { valid: string[], expired?: string[] },
 *   rules?: Record<string, { approvals?: Record<string, number>, pipelinesMustSucceed?: boolean }>, ci?: boolean,
 *   viewer?: string, log?: (line: string) => void }} options
 */
export async function startGitlabForge({ projects, tokens, rules = {}, ci = true, viewer = 'ada-oncall', log = () => {} }) {
  const started = performance.now();
  await git.assertGitVersion();
  const schemas = loadSchemas();
  let lastId = 100;
  const nextId = () => ++lastId;
  /** @type {Map<string, Project>} */
  const state = new Map();
  for (const [path, gitDir] of Object.entries(projects)) {
    const name = path.split('/').at(-1) ?? '';
    if (!path.includes('/') || name === '') throw new Error(`startGitlabForge: projects are group/project (or group/subgroup/project), not ${path}`);
    const rule = rules[path] ?? {};
    state.set(path, { id: nextId(), path, name, namespace: path.slice(0, -name.length - 1), gitDir, createdAt: gl.now(), approvals: rule.approvals ?? {},
      pipelinesMustSucceed: rule.pipelinesMustSucceed ?? false, ci, mrs: new Map(), nextIid: 1, pipelines: [] });
  }
  /** @type {string[]} */
  const violations = [];
  /** @type {{ method: string, path: string, endpoint: string | undefined, status: number }[]} */
  const requests = [];
  /** @type {import('./gitlab-objects.mjs').Site} */
  const site = { api: '', web: '', host: '' };

  const projectOf = (/** @type {string} */ id) => (/^\d+$/.test(id) ? [...state.values()].find((p) => p.id === Number(id)) : state.get(id));
  const need = (/** @type {string} */ path, /** @type {number} */ iid) => {
    const p = state.get(path);
    const mr = p?.mrs.get(iid);
    if (!p || !mr) throw new Error(`the fake GitLab has no merge request ${path}!${iid} (it serves ${[...state.keys()].join(', ')})`);
    return { p, mr };
  };
  const headPipeline = (/** @type {Project} */ p, /** @type {string} */ sha) => p.pipelines.findLast((pl) => pl.sha === sha);
  const ensurePipeline = (/** @type {Project} */ p, /** @type {string} */ sha, /** @type {string} */ ref) => {
    if (!p.ci || headPipeline(p, sha)) return;
    const at = gl.now();
    p.pipelines.push({ id: nextId(), iid: p.pipelines.length + 1, sha, ref, status: 'pending', createdAt: at, updatedAt: at, startedAt: null, finishedAt: null });
  };

  /**
   * An open merge request follows its branches: a push to its source resets its approvals and starts a pipeline; a target
   * that came to contain its head (merged another way) makes it merged, with the commit that brought the head in.
   */
  async function refresh(/** @type {Project} */ p, /** @type {MergeRequest} */ mr) {
    if (mr.state !== 'opened') return;
    const [head, base] = await Promise.all([git.branchSha(p.gitDir, mr.source), git.branchSha(p.gitDir, mr.target)]);
    if (head && head !== mr.headSha) {
      Object.assign(mr, { headSha: head, approvals: [], updatedAt: gl.now() });
      mr.headShas.push(head);
      ensurePipeline(p, head, mr.source);
    }
    if (base && base !== mr.baseSha) {
      const before = mr.baseSha;
      mr.baseSha = base;
      if ((await git.isAncestor(p.gitDir, mr.headSha, base)) && !(await git.isAncestor(p.gitDir, mr.headSha, before))) {
        const at = gl.now();
        Object.assign(mr, { state: 'merged', mergeCommitSha: await gl.commitThatMerged(p.gitDir, mr.headSha, base), mergedAt: at, mergedBy: null, updatedAt: at });
      }
    }
  }

  /** What GitLab's mergeability checks say now, in their order; `tree` when the merge would apply. @returns {Promise<Status & { tree?: string }>} */
  async function assess(/** @type {Project} */ p, /** @type {MergeRequest} */ mr) {
    const ok = { mergeStatus: 'can_be_merged', hasConflicts: false };
    if (mr.state !== 'opened') return { detailed: 'not_open', ...ok };
    if (/^\s*(\[draft\]|\(draft\)|draft:)/i.test(mr.title)) return { detailed: 'draft_status', ...ok };
    const head = await git.branchSha(p.gitDir, mr.source);
    if (!head || (await git.isAncestor(p.gitDir, head, mr.baseSha))) return { detailed: 'commits_status', ...ok };
    const merge = await git.mergeTree(p.gitDir, mr.baseSha, mr.headSha);
    if (!merge.clean) return { detailed: 'conflict', mergeStatus: 'cannot_be_merged', hasConflicts: true };
    if (mr.approvals.length < (p.approvals[mr.target] ?? 0)) return { detailed: 'not_approved', ...ok };
    if (p.pipelinesMustSucceed) {
      const status = headPipeline(p, mr.headSha)?.status;
      if (status !== undefined && RUNNING.has(status)) return { detailed: 'ci_still_running', ...ok };
      if (status !== 'success' && status !== 'skipped') return { detailed: 'ci_must_pass', ...ok };
    }
    return { detailed: 'mergeable', ...ok, tree: merge.tree };
  }

  /** GitLab checks mergeability in the background: "checking" until a read after the last change (`poll` is that read). */
  async function status(/** @type {Project} */ p, /** @type {MergeRequest} */ mr, poll = false) {
    await refresh(p, mr);
    const key = `${mr.headSha}:${mr.baseSha}`;
    if (mr.state === 'opened' && mr.checkedFor !== key) {
      if (poll) mr.checkedFor = key;
      return { detailed: 'checking', mergeStatus: 'checking', hasConflicts: false };
    }
    return assess(p, mr);
  }

  /** The merge button (PUT .../merge, or a maintainer in a test): refused as GitLab refuses it, else GitLab's merge commit. @returns {Promise<MergeResult>} */
  async function merge(/** @type {Project} */ p, /** @type {MergeRequest} */ mr, /** @type {{ by: string, sha?: string, text?: string, removeSource?: boolean }} */ o) {
    await refresh(p, mr);
    const a = await assess(p, mr);
    if (!a.tree) return { merged: false, status: 405, message: '405 Method Not Allowed', reason: a.detailed };
    if (o.sha !== undefined && o.sha !== mr.headSha) return { merged: false, status: 409, message: `SHA does not match HEAD of source branch: ${mr.headSha}`, reason: 'sha' };
    const written = await gl.writeMergeCommit(p.gitDir, { target: mr.target, base: mr.baseSha, head: mr.headSha, tree: a.tree, message: o.text ?? gl.mergeMessage(p, mr), by: o.by });
    if (!written.ok) return { merged: false, status: 422, message: 'Branch cannot be merged', reason: 'target-moved' };
    const at = gl.now();
    Object.assign(mr, { state: 'merged', mergeCommitSha: written.sha, mergedAt: at, mergedBy: o.by, updatedAt: at, baseSha: written.sha });
    if (o.removeSource ?? mr.removeSource) await git.deleteRef(p.gitDir, `heads/${mr.source}`);
    return { merged: true, sha: written.sha };
  }

  /** A page of a list with GitLab's pagination headers (x-total, x-next-page, link). @returns {Answer} */
  function page(/** @type {unknown[]} */ items, /** @type {Record<string, any>} */ params, /** @type {string} */ url) {
    const perPage = params['per_page'] ?? 20, current = params['page'] ?? 1;
    const pages = Math.max(1, Math.ceil(items.length / perPage));
    const query = new URLSearchParams(Object.entries(params).filter(([k]) => !['id', 'merge_request_iid', 'page'].includes(k))
      .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => /** @type {[string, string]} */ ([`${k}[]`, String(x)])) : [/** @type {[string, string]} */ ([k, String(v)])])));
    const link = (/** @type {number} */ n, /** @type {string} */ rel) => `<${url}?${query}&page=${n}>; rel="${rel}"`;
    const links = [...(current > 1 ? [link(current - 1, 'prev')] : []), ...(current < pages ? [link(current + 1, 'next')] : []), link(1, 'first'), link(pages, 'last')];
    return {
      status: 200, body: items.slice((current - 1) * perPage, current * perPage),
      headers: { 'x-page': String(current), 'x-per-page': String(perPage), 'x-total': String(items.length), 'x-total-pages': String(pages),
        'x-next-page': current < pages ? String(current + 1) : '', 'x-prev-page': current > 1 ? String(current - 1) : '', link: links.join(', ') },
    };
  }

  /** @param {string} name @param {Record<string, any>} params @returns {Promise<Answer>} */
  async function serve(name, params) {
    const p = projectOf(params['id']);
    if (!p) return message(404, '404 Project Not Found');
    const render = async (/** @type {MergeRequest} */ mr, /** @type {Status} */ s) =>
      gl.mergeRequest(site, p, mr, s, { full: true, viewer, ...(headPipeline(p, mr.headSha) ? { headPipeline: headPipeline(p, mr.headSha) } : {}) });
    if (name === 'projects/show') return { status: 200, body: gl.project(site, p, await git.defaultBranch(p.gitDir)) };
    if (name === 'merge_requests/list') {
      const wanted = params['state'] ?? 'all';
      const found = [...p.mrs.values()].filter((mr) => (params['source_branch'] === undefined || mr.source === params['source_branch'])
        && (params['target_branch'] === undefined || mr.target === params['target_branch']) && (params['iids'] === undefined || params['iids'].includes(mr.iid))
        && (params['scope'] !== 'created_by_me' || mr.author === viewer) && params['scope'] !== 'assigned_to_me');
      const listed = [];
      for (const mr of found) {
        const s = await status(p, mr);
        if (wanted === 'all' || mr.state === wanted) listed.push(gl.mergeRequest(site, p, mr, s));
      }
      const by = /** @type {'created_at' | 'updated_at' | 'title' | 'merged_at'} */ (params['order_by'] ?? 'created_at');
      listed.sort((a, b) => String(a[by] ?? '').localeCompare(String(b[by] ?? '')) || a.iid - b.iid);
      if ((params['sort'] ?? 'desc') === 'desc') listed.reverse();
      return page(listed, params, `${site.api}/projects/${encodeURIComponent(p.path)}/merge_requests`);
    }
    if (name === 'merge_requests/create') {
      const { source_branch: source, target_branch: target } = params;
      if (source === target) return message(409, ["You can't use same project/branch for source and target"]);
      const [head, base] = await Promise.all([git.branchSha(p.gitDir, source), git.branchSha(p.gitDir, target)]);
      // GitLab's MergeRequests::BuildService words, as a 422 (API::MergeRequests#handle_merge_request_errors!).
      if (!head || !base) return message(422, [`${head ? 'Target' : 'Source'} branch "${head ? target : source}" does not exist`]);
      const open = [...p.mrs.values()].find((mr) => mr.state === 'opened' && mr.source === source && mr.target === target);
      if (open) return message(409, [`Another open merge request already exists for this source branch: !${open.iid}`]);
      const at = gl.now();
      /** @type {MergeRequest} */
      const mr = {
        id: nextId(), iid: p.nextIid++, title: params['title'], description: params['description'] ?? null, author: viewer, source, target, headSha: head, baseSha: base,
        state: 'opened', createdAt: at, updatedAt: at, mergedAt: null, mergedBy: null, mergeCommitSha: null, closedAt: null, closedBy: null, approvals: [],
        checkedFor: undefined, removeSource: params['remove_source_branch'] === true, headShas: [head],
      };
      p.mrs.set(mr.iid, mr);
      ensurePipeline(p, head, source);
      return { status: 201, body: await render(mr, { detailed: 'preparing', mergeStatus: 'unchecked', hasConflicts: false }) };
    }
    const mr = p.mrs.get(params['merge_request_iid']);
    if (!mr) return message(404, '404 Not found');
    switch (name) {
      case 'merge_requests/show':
        return { status: 200, body: await render(mr, await status(p, mr, true)) };
      case 'merge_requests/update': {
        const given = UPDATE_ATTRIBUTES.filter((a) => params[a] !== undefined);
        if (given.length === 0) return { status: 400, body: { error: `${UPDATE_ATTRIBUTES.join(', ')} are missing, at least one parameter must be provided` } };
        await refresh(p, mr);
        const at = gl.now();
        if (params['state_event'] === 'close' && mr.state === 'opened') Object.assign(mr, { state: 'closed', closedAt: at, closedBy: viewer });
        if (params['state_event'] === 'reopen' && mr.state === 'closed') {
          const other = [...p.mrs.values()].find((o) => o.state === 'opened' && o.source === mr.source && o.target === mr.target);
          if (other) return message(409, [`Another open merge request already exists for this source branch: !${other.iid}`]);
          Object.assign(mr, { state: 'opened', closedAt: null, closedBy: null, checkedFor: undefined });
        }
        for (const [param, field] of /** @type {const} */ ([['title', 'title'], ['description', 'description'], ['target_branch', 'target']])) {
          if (params[param] !== undefined) Object.assign(mr, { [field]: params[param], checkedFor: undefined });
        }
        if (params['remove_source_branch'] !== undefined) mr.removeSource = params['remove_source_branch'];
        mr.updatedAt = at;
        return { status: 200, body: await render(mr, await status(p, mr)) };
      }
      case 'merge_requests/approvals':
        return { status: 200, body: gl.approvalState(site, p, mr, (await status(p, mr)).mergeStatus) };
      case 'merge_requests/pipelines': {
        const pipelines = p.pipelines.filter((pl) => mr.headShas.includes(pl.sha)).toReversed().map((pl) => gl.pipeline(site, p, pl));
        return page(pipelines, params, `${site.api}/projects/${encodeURIComponent(p.path)}/merge_requests/${mr.iid}/pipelines`);
      }
      case 'merge_requests/merge': {
        const done = await merge(p, mr, { by: viewer, sha: params['sha'], text: params['merge_commit_message'], removeSource: params['should_remove_source_branch'] });
        return done.merged ? { status: 200, body: await render(mr, await assess(p, mr)) } : message(done.status, done.message);
      }
      default:
        throw new Error(`the fake GitLab routes ${name} but does not serve it`);
    }
  }

  /** Authentication first, then the route and its parameters, then the fake's answer, itself checked. @returns {Promise<Answer>} */
  async function handle(/** @type {import('node:http').IncomingMessage} */ req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/^\/api\/v4(?=\/)/, '');
    const route = url.pathname === path ? undefined : schemas.match(method, path);
    const where = `${method} ${url.pathname}${route ? ` (${route.endpoint.name})` : ''}`;
    const note = (/** @type {Answer} */ answer) => {
      for (const problem of route ? schemas.checkAnswer(route.endpoint, answer.status, answer.body) : schemas.checkError(answer.body)) {
        violations.push(`${where}: the fake's answer is not GitLab's: ${problem}`);
      }
      requests.push({ method, path: url.pathname, endpoint: route?.endpoint.name, status: answer.status });
      log(`${where} -> ${answer.status}`);
      return answer;
    };
    const header = (/** @type {string} */ name) => String(req.headers[name] ?? '');
    const token = header('private-token') || /^bearer\s+(\S+)$/i.exec(header('authorization'))?.[1];
    // Any token GitLab does not accept, expired, revoked or unknown: 401. None: anonymous, who sees no private project.
    if (token && !tokens.valid.includes(token)) return note(message(401, '401 Unauthorized'));
    if (!token) return note(method === 'GET' ? message(404, '404 Project Not Found') : message(401, '401 Unauthorized'));
    if (!route) {
      violations.push(`${method} ${url.pathname}: not an endpoint the fake GitLab serves (under /api/v4)`);
      return note({ status: 404, body: { error: '404 Not Found' } });
    }
    /** @type {Record<string, any>} */
    let body;
    try {
      body = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      violations.push(`${where}: the body is not JSON`);
      return note({ status: 400, body: { error: 'The provided content-type \'application/json\' is not valid JSON' } });
    }
    /** @type {Record<string, unknown>} */
    const query = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      query[key.replace(/\[\]$/, '')] = key.endsWith('[]') || values.length > 1 ? values : values[0];
    }
    const params = { ...query, ...body, ...route.path };
    const { refused, ignored, unimplemented } = schemas.checkParams(route.endpoint, params);
    for (const key of ignored) violations.push(`${where}: sends ${key}, which GitLab does not document here (GitLab ignores it; see ${route.endpoint.docs})`);
    for (const key of unimplemented) violations.push(`${where}: sends ${key}, which GitLab documents and the fake does not implement`);
    if (refused.length > 0) {
      violations.push(`${where}: ${refused.join(', ')}`);
      return note({ status: 400, body: { error: refused.join(', ') } });
    }
    return note(await serve(route.endpoint.name, params));
  }

  let requestCount = 0;
  const server = createServer((req, res) => {
    handle(req).then((answer) => {
      const json = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        ...(json ? { 'content-type': 'application/json' } : {}), 'x-request-id': `FAKE${(++requestCount).toString(16).toUpperCase()}`,
        'x-gitlab-meta': JSON.stringify({ correlation_id: `fake-${requestCount}`, version: '1' }), 'cache-control': 'max-age=0, private, must-revalidate', ...answer.headers,
      });
      res.end(json);
    }, (/** @type {unknown} */ error) => {
      violations.push(`${req.method} ${req.url}: the fake GitLab failed: ${error instanceof Error ? error.message : String(error)}`);
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: '500 Internal Server Error' }));
    });
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  Object.assign(site, { api: `http://127.0.0.1:${port}/api/v4`, web: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` });

  return {
    url: site.api,
    startupMs: Math.round(performance.now() - started),
    schemaMs: schemas.compileMs,
    violations,
    requests,
    /** An approval of the merge request's current head by a user other than its author (GitLab's default rule). */
    async approve(/** @type {string} */ path, /** @type {number} */ iid, { user = 'grace-reviewer' } = {}) {
      const { p, mr } = need(path, iid);
      await refresh(p, mr);
      if (mr.state !== 'opened') throw new Error(`${path}!${iid} is ${mr.state}: GitLab approves open merge requests only`);
      if (user === mr.author) throw new Error(`${user} opened ${path}!${iid}: GitLab does not let authors approve their own merge requests`);
      if (mr.approvals.some((a) => a.user === user)) throw new Error(`${user} approved ${path}!${iid} already`);
      mr.approvals.push({ user, at: gl.now() });
    },
    /** Moves the latest pipeline of `sha` to `status` (or starts one): what the runners would do. */
    setPipeline(/** @type {string} */ path, /** @type {string} */ sha, /** @type {string} */ status) {
      const p = state.get(path);
      if (!p) throw new Error(`the fake GitLab serves ${[...state.keys()].join(', ')}, not ${path}`);
      if (!PIPELINE_STATUSES.includes(status)) throw new Error(`setPipeline: a pipeline is ${PIPELINE_STATUSES.join(', ')}, not ${status}`);
      const at = gl.now();
      let pl = headPipeline(p, sha);
      if (!pl) {
        const ref = [...p.mrs.values()].find((mr) => mr.headSha === sha)?.source ?? sha;
        pl = { id: nextId(), iid: p.pipelines.length + 1, sha, ref, status, createdAt: at, updatedAt: at, startedAt: null, finishedAt: null };
        p.pipelines.push(pl);
      }
      Object.assign(pl, { status, updatedAt: at, startedAt: status === 'created' || status === 'pending' ? null : pl.startedAt ?? at, finishedAt: FINISHED.has(status) ? at : null });
    },
    /** What a maintainer's merge button does; refused with GitLab's status (405, 409, 422) and why. */
    async merge(/** @type {string} */ path, /** @type {number} */ iid, { user = 'grace-reviewer', sha = /** @type {string | undefined} */ (undefined), removeSourceBranch = /** @type {boolean | undefined} */ (undefined) } = {}) {
      const { p, mr } = need(path, iid);
      return merge(p, mr, { by: user, ...(sha !== undefined ? { sha } : {}), ...(removeSourceBranch !== undefined ? { removeSource: removeSourceBranch } : {}) });
    },
    /** The merge requests as the fake holds them, with what GitLab's checks say now. */
    async mergeRequests(/** @type {string} */ path) {
      const p = state.get(path);
      if (!p) throw new Error(`the fake GitLab serves ${[...state.keys()].join(', ')}, not ${path}`);
      return Promise.all([...p.mrs.values()].map(async (mr) => {
        await refresh(p, mr);
        const { detailed, hasConflicts } = await assess(p, mr);
        return { ...structuredClone(mr), approvedBy: mr.approvals.map((a) => a.user), detailedMergeStatus: detailed, hasConflicts, pipeline: headPipeline(p, mr.headSha)?.status ?? null };
      }));
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve(undefined)); }),
  };
}

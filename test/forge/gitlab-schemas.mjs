// @ts-check
// GitLab's REST API (v4), the part the fake GitLab (gitlab.mjs) serves, as JSON Schemas (draft 2020-12, checked with
// Ajv): each endpoint's parameters (path, query and body together, as GitLab's Grape API merges them) and its answers.
// GitLab publishes no OpenAPI description of these endpoints that can be fetched here, so each schema follows the
// documentation page named beside it (docs.gitlab.com/api, GitLab 17.x): the attribute tables for parameters, the
// response tables and example responses for answers. A parameter the page documents and the fake does not implement is
// a violation too: the fake would silently answer as if it had not been sent.
import { Ajv2020 } from 'ajv/dist/2020.js';

const DOCS = 'https://docs.gitlab.com/api';

const str = { type: 'string' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const nullable = (/** @type {object} */ schema) => ({ anyOf: [schema, { type: 'null' }] });
const time = { type: 'string', format: 'date-time' };
const url = { type: 'string', format: 'uri' };
const ints = { type: 'array', items: int };
const obj = (/** @type {Record<string, object>} */ properties, required = Object.keys(properties)) => ({ type: 'object', properties, required });

/** Users as every entity embeds them (docs.gitlab.com/api/merge_requests: author, assignees, reviewers, merge_user). */
const user = obj({ id: int, username: str, name: str, state: { enum: ['active', 'blocked', 'deactivated', 'banned'] }, locked: bool, avatar_url: nullable(url), web_url: url },
  ['id', 'username', 'name', 'state', 'avatar_url', 'web_url']);

const PIPELINE_STATUSES = ['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'success', 'failed', 'canceled', 'skipped', 'manual', 'scheduled'];
/** A pipeline as lists show it (docs.gitlab.com/api/merge_requests "List merge request pipelines"; api/pipelines "List project pipelines"). */
const pipeline = {
  ...obj({ id: int, iid: int, project_id: int, sha: { type: 'string', pattern: '^[0-9a-f]{40}$' }, ref: str, status: { enum: PIPELINE_STATUSES }, source: str, created_at: time, updated_at: time, web_url: url }),
  required: ['id', 'sha', 'ref', 'status'],
};
/** head_pipeline of a single merge request (docs.gitlab.com/api/merge_requests "Get single MR", example response). */
const headPipeline = {
  type: 'object',
  allOf: [pipeline],
  properties: { before_sha: str, tag: bool, yaml_errors: nullable(str), user, started_at: nullable(time), finished_at: nullable(time), committed_at: nullable(time), duration: nullable(int), queued_duration: nullable({ type: 'number' }), coverage: nullable(str),
    detailed_status: obj({ icon: str, text: str, label: str, group: str, tooltip: str, has_details: bool, details_path: str, illustration: { type: ['object', 'null'] }, favicon: str }) },
  required: ['before_sha', 'tag', 'user', 'started_at', 'finished_at', 'duration', 'coverage', 'detailed_status'],
};

/** docs.gitlab.com/api/merge_requests "Merge status": every value GitLab 15.6 to 17.x documents. */
const DETAILED_MERGE_STATUSES = ['approvals_syncing', 'checking', 'ci_must_pass', 'ci_still_running', 'commits_status', 'conflict', 'discussions_not_resolved', 'draft_status',
  'jira_association_missing', 'mergeable', 'merge_request_blocked', 'merge_time', 'need_rebase', 'not_approved', 'not_open', 'preparing', 'requested_changes',
  'security_policy_violations', 'status_checks_must_pass', 'unchecked', 'locked_paths', 'locked_lfs_files', 'blocked_status', 'broken_status', 'external_status_checks', 'policies_denied'];

/** A merge request in a list (docs.gitlab.com/api/merge_requests "List project merge requests": response attributes and example). */
const mergeRequestBasic = obj({
  id: int, iid: int, project_id: int, title: str, description: nullable(str), state: { enum: ['opened', 'closed', 'locked', 'merged'] },
  created_at: time, updated_at: time, merged_by: nullable(user), merge_user: nullable(user), merged_at: nullable(time), closed_by: nullable(user), closed_at: nullable(time),
  target_branch: str, source_branch: str, user_notes_count: int, upvotes: int, downvotes: int, author: user, assignees: { type: 'array', items: user }, assignee: nullable(user),
  reviewers: { type: 'array', items: user }, source_project_id: int, target_project_id: int, labels: { type: 'array', items: str }, draft: bool, work_in_progress: bool,
  milestone: { type: ['object', 'null'] }, merge_when_pipeline_succeeds: bool,
  merge_status: { enum: ['unchecked', 'checking', 'can_be_merged', 'cannot_be_merged', 'cannot_be_merged_recheck'] }, detailed_merge_status: { enum: DETAILED_MERGE_STATUSES },
  sha: str, merge_commit_sha: nullable(str), squash_commit_sha: nullable(str), discussion_locked: nullable(bool), should_remove_source_branch: nullable(bool),
  force_remove_source_branch: nullable(bool), prepared_at: nullable(time), reference: str, references: obj({ short: str, relative: str, full: str }), web_url: url,
  time_stats: obj({ time_estimate: int, total_time_spent: int, human_time_estimate: nullable(str), human_total_time_spent: nullable(str) }),
  squash: bool, squash_on_merge: bool, task_completion_status: obj({ count: int, completed_count: int }), has_conflicts: bool, blocking_discussions_resolved: bool,
});
/** A single merge request (docs.gitlab.com/api/merge_requests "Get single MR", "Create MR", "Update MR", "Merge a merge request"). */
const mergeRequest = {
  ...mergeRequestBasic,
  properties: {
    ...mergeRequestBasic.properties, subscribed: bool, changes_count: nullable(str), latest_build_started_at: nullable(time), latest_build_finished_at: nullable(time),
    first_deployed_to_production_at: nullable(time), pipeline: nullable(pipeline), head_pipeline: nullable(headPipeline),
    diff_refs: nullable(obj({ base_sha: str, head_sha: str, start_sha: str })), merge_error: nullable(str), first_contribution: bool, user: obj({ can_merge: bool }),
  },
  required: [...mergeRequestBasic.required, 'subscribed', 'changes_count', 'pipeline', 'head_pipeline', 'diff_refs', 'merge_error', 'user'],
};

/** docs.gitlab.com/api/merge_request_approvals "Retrieve approval state for a merge request" (GET .../approvals). */
const approvals = {
  ...obj({ id: int, iid: int, project_id: int, title: str, description: nullable(str), state: str, created_at: time, updated_at: time, merge_status: str,
    approvals_required: { type: 'integer', minimum: 0 }, approvals_left: { type: 'integer', minimum: 0 },
    approved_by: { type: 'array', items: obj({ user, approved_at: time }) } }),
};

/** docs.gitlab.com/api/projects "Get a single project" (the fields a client reads; GitLab sends about a hundred). */
const project = obj({
  id: int, description: nullable(str), name: str, name_with_namespace: str, path: str, path_with_namespace: str, created_at: time, default_branch: nullable(str),
  ssh_url_to_repo: str, http_url_to_repo: url, web_url: url, visibility: { enum: ['private', 'internal', 'public'] },
  namespace: obj({ id: int, name: str, path: str, kind: { enum: ['group', 'user'] }, full_path: str, web_url: url }),
  merge_method: { enum: ['merge', 'rebase_merge', 'ff'] }, only_allow_merge_if_pipeline_succeeds: bool, remove_source_branch_after_merge: nullable(bool),
  merge_commit_template: nullable(str), squash_option: { enum: ['never', 'always', 'default_on', 'default_off'] },
});

/** GitLab's error bodies (docs.gitlab.com/api/rest/troubleshooting "Status codes", "Data validation and error reporting"). */
const error = { anyOf: [obj({ message: { anyOf: [str, { type: 'array', items: str }, { type: 'object' }] } }), obj({ error: str })] };

const PROJECT = { id: { type: 'string', minLength: 1 } };
const MR = { ...PROJECT, merge_request_iid: { type: 'integer', minimum: 1 } };
const PAGE = { page: { type: 'integer', minimum: 1 }, per_page: { type: 'integer', minimum: 1, maximum: 100 } };

/**
 * The endpoints the fake serves: parameters (every attribute the page documents; `implemented` names those the fake
 * acts on) and answers by status (every 4xx is checked against `error`).
 * @typedef {{ name: string, method: string, path: string, docs: string, params: object, implemented: string[], responses: Record<number, object> }} Endpoint
 * @type {Endpoint[]}
 */
export const ENDPOINTS = [
  { name: 'projects/show', method: 'GET', path: '/projects/:id', docs: `${DOCS}/projects/#get-a-single-project`,
    params: obj({ ...PROJECT, license: bool, statistics: bool, with_custom_attributes: bool }, ['id']), implemented: ['id'], responses: { 200: project } },
  { name: 'merge_requests/list', method: 'GET', path: '/projects/:id/merge_requests', docs: `${DOCS}/merge_requests/#list-project-merge-requests`,
    params: obj({
      ...PROJECT, ...PAGE, state: { enum: ['opened', 'closed', 'locked', 'merged', 'all'] }, source_branch: str, target_branch: str, iids: ints,
      order_by: { enum: ['created_at', 'updated_at', 'title', 'merged_at'] }, sort: { enum: ['asc', 'desc'] }, approved_by_ids: ints, approver_ids: ints, approved: { enum: ['yes', 'no'] },
      assignee_id: str, author_id: int, author_username: str, created_after: time, created_before: time, environment: str, labels: str, merge_user_id: int,
      merge_user_username: str, milestone: str, my_reaction_emoji: str, not: { type: 'object' }, reviewer_id: str, reviewer_username: str, review_state: str,
      scope: { enum: ['created_by_me', 'assigned_to_me', 'all'] }, search: str, updated_after: time, updated_before: time, view: { enum: ['simple'] },
      wip: { enum: ['yes', 'no'] }, with_labels_details: bool, with_merge_status_recheck: bool, deployed_after: time, deployed_before: time,
    }, ['id']),
    implemented: ['id', 'page', 'per_page', 'state', 'source_branch', 'target_branch', 'iids', 'order_by', 'sort', 'scope'],
    responses: { 200: { type: 'array', items: mergeRequestBasic } } },
  { name: 'merge_requests/create', method: 'POST', path: '/projects/:id/merge_requests', docs: `${DOCS}/merge_requests/#create-mr`,
    params: obj({
      ...PROJECT, source_branch: { type: 'string', minLength: 1 }, target_branch: { type: 'string', minLength: 1 }, title: { type: 'string', minLength: 1 },
      allow_collaboration: bool, allow_maintainer_to_push: bool, approvals_before_merge: int, assignee_id: int, assignee_ids: ints,
      description: { type: 'string', maxLength: 1_048_576 }, labels: { anyOf: [str, { type: 'array', items: str }] }, merge_after: str, milestone_id: int,
      remove_source_branch: bool, reviewer_ids: ints, squash: bool, target_project_id: int,
    }, ['id', 'source_branch', 'target_branch', 'title']),
    implemented: ['id', 'source_branch', 'target_branch', 'title', 'description', 'remove_source_branch'], responses: { 201: mergeRequest } },
  { name: 'merge_requests/show', method: 'GET', path: '/projects/:id/merge_requests/:merge_request_iid', docs: `${DOCS}/merge_requests/#get-single-mr`,
    params: obj({ ...MR, include_diverged_commits_count: bool, include_rebase_in_progress: bool, render_html: bool }, ['id', 'merge_request_iid']),
    implemented: ['id', 'merge_request_iid'], responses: { 200: mergeRequest } },
  { name: 'merge_requests/update', method: 'PUT', path: '/projects/:id/merge_requests/:merge_request_iid', docs: `${DOCS}/merge_requests/#update-mr`,
    params: obj({
      ...MR, add_labels: str, allow_collaboration: bool, allow_maintainer_to_push: bool, assignee_id: int, assignee_ids: ints, description: { type: 'string', maxLength: 1_048_576 },
      discussion_locked: bool, labels: { anyOf: [str, { type: 'array', items: str }] }, merge_after: str, milestone_id: int, remove_labels: str, remove_source_branch: bool,
      reviewer_ids: ints, squash: bool, state_event: { enum: ['close', 'reopen'] }, target_branch: str, title: str,
    }, ['id', 'merge_request_iid']),
    implemented: ['id', 'merge_request_iid', 'description', 'remove_source_branch', 'state_event', 'target_branch', 'title'], responses: { 200: mergeRequest } },
  { name: 'merge_requests/approvals', method: 'GET', path: '/projects/:id/merge_requests/:merge_request_iid/approvals',
    docs: `${DOCS}/merge_request_approvals/#retrieve-approval-state-for-a-merge-request`,
    params: obj(MR), implemented: ['id', 'merge_request_iid'], responses: { 200: approvals } },
  { name: 'merge_requests/pipelines', method: 'GET', path: '/projects/:id/merge_requests/:merge_request_iid/pipelines', docs: `${DOCS}/merge_requests/#list-merge-request-pipelines`,
    params: obj({ ...MR, ...PAGE }, ['id', 'merge_request_iid']), implemented: ['id', 'merge_request_iid', 'page', 'per_page'], responses: { 200: { type: 'array', items: pipeline } } },
  { name: 'merge_requests/merge', method: 'PUT', path: '/projects/:id/merge_requests/:merge_request_iid/merge', docs: `${DOCS}/merge_requests/#merge-a-merge-request`,
    params: obj({ ...MR, merge_commit_message: str, merge_when_pipeline_succeeds: bool, auto_merge: bool, sha: str, should_remove_source_branch: bool, squash_commit_message: str, squash: bool },
      ['id', 'merge_request_iid']),
    implemented: ['id', 'merge_request_iid', 'merge_commit_message', 'sha', 'should_remove_source_branch'], responses: { 200: mergeRequest } },
];

/** The Ajv formats the schemas use, checked where a mistake would reach a client. */
const FORMATS = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  uri: (/** @type {string} */ s) => URL.canParse(s),
};

/** @type {ReturnType<typeof compile> | undefined} */
let loaded;
/**
 * The compiled schemas (once per process: every fake of a test run shares them), which answer which endpoint a request
 * is, whether GitLab would take its parameters (Grape's words when not), and whether an answer is what GitLab documents.
 */
export function loadSchemas() {
  loaded ??= compile();
  return loaded;
}

function compile() {
  const started = performance.now();
  // coerceTypes 'array': query strings become integers and booleans, and a lone iids[]=1 a list, as Grape coerces them.
  const ajv = new Ajv2020({ allErrors: true, coerceTypes: 'array', strict: true, allowUnionTypes: true, formats: FORMATS });
  const answers = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, formats: FORMATS });
  const compiled = ENDPOINTS.map((e) => ({
    endpoint: e,
    regex: new RegExp(`^${e.path.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`),
    params: ajv.compile({ ...e.params, additionalProperties: false }),
    responses: Object.fromEntries(Object.entries(e.responses).map(([status, schema]) => [status, answers.compile(schema)])),
  }));
  const errorShape = answers.compile(error);
  const words = (/** @type {import('ajv').ErrorObject[] | null | undefined} */ errors) => (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`).join('; ');
  return {
    /** The endpoint a method and path (below /api/v4, segments still encoded) are, with its path parameters decoded. */
    match(/** @type {string} */ method, /** @type {string} */ path) {
      for (const c of compiled) {
        const m = c.endpoint.method === method ? c.regex.exec(path) : null;
        if (m) return { endpoint: c.endpoint, path: Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)])) };
      }
      return undefined;
    },
    /**
     * Checks (and coerces, in place) a request's parameters. `refused`: Grape's 400 message ("title is missing, state
     * does not have a valid value"); `ignored`: parameters GitLab does not document (it ignores them; the fake records
     * them); `unimplemented`: documented ones the fake does not act on.
     * @param {Endpoint} endpoint @param {Record<string, unknown>} params
     */
    checkParams(endpoint, params) {
      const c = compiled.find((x) => x.endpoint === endpoint);
      if (!c) throw new Error(`no schema for ${endpoint.name}`);
      c.params(params);
      const refused = [], ignored = [];
      for (const e of c.params.errors ?? []) {
        const field = e.instancePath.split('/').filter(Boolean)[0] ?? '';
        if (e.keyword === 'additionalProperties') ignored.push(String(e.params['additionalProperty']));
        else if (e.keyword === 'required') refused.push(`${String(e.params['missingProperty'])} is missing`);
        else if (e.keyword === 'enum') refused.push(`${field} does not have a valid value`);
        else if (e.keyword === 'minLength' && e.params['limit'] === 1) refused.push(`${field} is empty`);
        else refused.push(`${field} is invalid`);
      }
      for (const key of ignored) delete params[key];
      const unimplemented = Object.keys(params).filter((k) => !endpoint.implemented.includes(k));
      return { refused: [...new Set(refused)], ignored, unimplemented };
    },
    /** What is wrong with an answer, if anything: a documented body for its status, or GitLab's error shape for a 4xx. */
    checkAnswer(/** @type {Endpoint} */ endpoint, /** @type {number} */ status, /** @type {unknown} */ body) {
      const c = compiled.find((x) => x.endpoint === endpoint);
      const validate = c?.responses[status];
      if (validate) return validate(body) ? [] : [`${status} body: ${words(validate.errors)}`];
      if (status >= 400 && status < 500) return errorShape(body) ? [] : [`a ${status} answer is not GitLab's error shape: ${words(errorShape.errors)}`];
      return [`${endpoint.name} documents no ${status} answer`];
    },
    /** The answer to any 4xx, checked against GitLab's error shape. */
    checkError: (/** @type {unknown} */ body) => (errorShape(body) ? [] : [`not GitLab's error shape: ${words(errorShape.errors)}`]),
    compileMs: Math.round(performance.now() - started),
  };
}

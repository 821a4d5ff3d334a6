// The Forge port on GitLab's REST API (v4) through @gitbeaker/rest (gitlab.com, or a self-managed GitLab at
// the address git.forge or the remote gives). Translation only: a merge request, its approvals and its
// head pipeline as plain data, GitLab's detailed_merge_status in the port's (GitHub's) words; an API
// failure as a ForgeError with GitLab's own words. The token is the caller's; it never appears in a message.

import { MergeRequestApprovals, MergeRequests, Projects } from '@gitbeaker/rest';
import { ForgeError, type Forge, type ForgeTarget, type OpenPullRequest, type PullRequestView } from '../../core/hotfix/forge';

/** The fields of GitLab's merge request entity this adapter reads (GET /projects/:id/merge_requests/:iid). */
interface ApiMergeRequest {
  iid: number;
  web_url: string;
  title: string;
  state: string;
  source_branch: string;
  target_branch: string;
  sha: string;
  merge_commit_sha: string | null;
  squash_commit_sha?: string | null;
  detailed_merge_status?: string;
  has_conflicts?: boolean;
  head_pipeline?: { sha: string; status: string } | null;
}

interface ApiApprovals {
  approvals_left?: number;
  approved_by?: { user: { username: string } }[];
}

/** detailed_merge_status (GitLab 15.6 and later) in the port's words; anything else blocks the merge. */
const STILL_CHECKING = new Set(['checking', 'unchecked', 'preparing', 'approvals_syncing', 'not_open']);
const CONFLICTING = new Set(['conflict', 'broken_status']);

/** mergeState and mergeable of an open merge request: clean, dirty (conflicts), behind (needs a rebase), blocked, unknown. */
export function mergeability(status: string | undefined, hasConflicts: boolean | undefined): Pick<PullRequestView, 'mergeState' | 'mergeable'> {
  if (status === undefined || STILL_CHECKING.has(status)) return { mergeState: 'unknown' };
  if (CONFLICTING.has(status)) return { mergeState: 'dirty', mergeable: false };
  // Every other status is a check the merge waits for (approvals, pipeline, draft, discussions, ...): the merge itself would apply.
  const mergeable = hasConflicts !== true;
  if (status === 'mergeable') return { mergeState: 'clean', mergeable };
  return { mergeState: status === 'need_rebase' ? 'behind' : 'blocked', mergeable };
}

/** The head pipeline's status as one check named "pipeline". */
function pipelineChecks(mr: ApiMergeRequest): PullRequestView['checks'] {
  const pipeline = mr.head_pipeline;
  if (!pipeline || pipeline.sha !== mr.sha) return { pending: [], passed: [], failed: [] };
  const passed = pipeline.status === 'success' || pipeline.status === 'skipped';
  const failed = pipeline.status === 'failed' || pipeline.status === 'canceled';
  return { pending: passed || failed ? [] : ['pipeline'], passed: passed ? ['pipeline'] : [], failed: failed ? ['pipeline'] : [] };
}

/** GitLab's words for a failure: `message` (a string, a list, or per-field lists) or Grape's `error`. */
function gitlabWords(description: string): string {
  try {
    const said: unknown = JSON.parse(description);
    if (Array.isArray(said)) return said.map(String).join('; ');
    if (said && typeof said === 'object') {
      return Object.entries(said).map(([field, problems]) => `${field} ${Array.isArray(problems) ? problems.join(', ') : String(problems)}`).join('; ');
    }
  } catch {
    // Not JSON: GitLab's words as they came.
  }
  return description;
}

export class GitlabForge implements Forge {
  readonly noun = 'merge request';
  private readonly requests: InstanceType<typeof MergeRequests>;
  private readonly approvals: InstanceType<typeof MergeRequestApprovals>;
  private readonly projects: InstanceType<typeof Projects>;
  /** group/subgroup/project: @gitbeaker/rest URL-encodes it into the path (:id). */
  private readonly project: string;

  constructor(
    readonly target: ForgeTarget,
    token: string,
  ) {
    // @gitbeaker/rest appends /api/v4 to its host itself. It logs nothing; a failure is reported once, by the caller.
    const options = { host: target.api.replace(/\/api\/v4$/, ''), token, queryTimeout: 60_000 };
    this.requests = new MergeRequests(options);
    this.approvals = new MergeRequestApprovals(options);
    this.projects = new Projects(options);
    this.project = target.repository;
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const cause = (error as { cause?: { description?: unknown; response?: { status?: unknown } } }).cause;
      const status = cause?.response?.status;
      if (typeof status === 'number') {
        const said = typeof cause?.description === 'string' && cause.description !== '' ? gitlabWords(cause.description) : (error as Error).message;
        throw new ForgeError(`GitLab ${this.target.repository}: ${what}: ${said} (HTTP ${status})`, status);
      }
      // No answer at all (refused, DNS, timeout): fetch's "fetch failed" alone would not say where it went.
      const reason = (cause as { message?: unknown } | undefined)?.message;
      throw new Error(`GitLab ${this.target.repository}: ${what}: no answer from ${this.target.api} (${typeof reason === 'string' ? reason : (error as Error).message})`, { cause: error });
    }
  }

  async check(): Promise<void> {
    await this.call('read the project', () => this.projects.show(this.project));
  }

  async findOpen(head: string, base: string): Promise<PullRequestView | undefined> {
    const found = await this.call(`list the open merge requests from ${head} into ${base}`, () =>
      this.requests.all({ projectId: this.project, sourceBranch: head, targetBranch: base, state: 'opened' }),
    );
    const match = (found as unknown as ApiMergeRequest[]).find((mr) => mr.source_branch === head && mr.target_branch === base);
    return match ? this.get(match.iid) : undefined;
  }

  async findLatest(head: string): Promise<PullRequestView | undefined> {
    // No state: GitLab lists every state (opened, closed, merged, locked).
    const found = await this.call(`list the merge requests from ${head}`, () =>
      this.requests.all({ projectId: this.project, sourceBranch: head, orderBy: 'created_at', sort: 'desc', perPage: 10, maxPages: 1 }),
    );
    const newest = (found as unknown as ApiMergeRequest[]).filter((mr) => mr.source_branch === head).reduce<ApiMergeRequest | undefined>((best, mr) => (best === undefined || mr.iid > best.iid ? mr : best), undefined);
    return newest ? this.get(newest.iid) : undefined;
  }

  async open(request: OpenPullRequest): Promise<PullRequestView> {
    // Never "delete the source branch": the back-merges still need it; the finish deletes it once merged everywhere.
    const created = await this.call(`open a merge request from ${request.head} into ${request.base}`, () =>
      this.requests.create(this.project, request.head, request.base, request.title, { description: request.body, removeSourceBranch: false }),
    );
    return this.view(created as unknown as ApiMergeRequest);
  }

  async get(number: number): Promise<PullRequestView> {
    const mr = await this.call(`read merge request !${number}`, () => this.requests.show(this.project, number));
    return this.view(mr as unknown as ApiMergeRequest);
  }

  async close(number: number): Promise<void> {
    await this.call(`close merge request !${number}`, () => this.requests.edit(this.project, number, { stateEvent: 'close' }));
  }

  private async view(mr: ApiMergeRequest): Promise<PullRequestView> {
    const open = mr.state === 'opened' || mr.state === 'locked';
    const merged = mr.state === 'merged';
    const mergeCommit = mr.merge_commit_sha ?? mr.squash_commit_sha ?? undefined;
    const approved = open ? await this.approvedBy(mr.iid) : [];
    return {
      number: mr.iid,
      url: mr.web_url,
      title: mr.title,
      head: mr.source_branch,
      base: mr.target_branch,
      headSha: mr.sha,
      state: merged ? 'merged' : open ? 'open' : 'closed',
      ...(merged && mergeCommit ? { mergeCommit } : {}),
      ...(open ? mergeability(mr.detailed_merge_status, mr.has_conflicts) : { mergeState: 'unknown' }),
      checks: open ? pipelineChecks(mr) : { pending: [], passed: [], failed: [] },
      // GitLab's "requested changes" live on the reviewers (GET .../reviewers), which this adapter does not read.
      reviews: { approved, changesRequested: [] },
    };
  }

  private async approvedBy(iid: number): Promise<string[]> {
    const state = (await this.call(`read the approvals of !${iid}`, () =>
      this.approvals.showConfiguration(this.project, { mergerequestIId: iid }),
    )) as unknown as ApiApprovals;
    return (state.approved_by ?? []).map((a) => a.user.username);
  }
}

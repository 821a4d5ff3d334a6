// The Forge port on GitHub's REST API through @octokit/rest (github.com, or GitHub Enterprise at the
// address git.forge or the remote gives). Translation only: a pull request, its reviews and its
// checks (check runs and commit statuses) as plain data; an API failure as a ForgeError with
// GitHub's own words. The token is the caller's; it never appears in a message.

import { Octokit } from '@octokit/rest';
import { ForgeError, type Forge, type ForgeTarget, type OpenPullRequest, type PullRequestView } from '../../core/hotfix/forge';

interface ApiPull {
  number: number;
  html_url: string;
  title: string;
  state: string;
  merged?: boolean;
  merged_at: string | null;
  merge_commit_sha: string | null;
  mergeable?: boolean | null;
  mergeable_state?: string;
  head: { ref: string; sha: string };
  base: { ref: string };
}

export class GithubForge implements Forge {
  readonly noun = 'pull request';
  private readonly api: Octokit;
  private readonly owner: string;
  private readonly repo: string;

  constructor(
    readonly target: ForgeTarget,
    token: string,
  ) {
    // Octokit's own log prints every 4xx on stderr: the failure is reported once, by the caller, in its words.
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    this.api = new Octokit({ auth: token, baseUrl: target.api, userAgent: 'hotfix-deployer', log: silent, request: { retries: 0 } });
    const [owner = '', ...rest] = target.repository.split('/');
    this.owner = owner;
    this.repo = rest.join('/');
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number') {
        const said = (error as { response?: { data?: { message?: unknown } } }).response?.data?.message;
        throw new ForgeError(`GitHub ${this.target.repository}: ${what}: ${typeof said === 'string' ? said : (error as Error).message} (HTTP ${status})`, status);
      }
      throw error;
    }
  }

  async check(): Promise<void> {
    await this.call('read the repository', () => this.api.rest.repos.get({ owner: this.owner, repo: this.repo }));
  }

  async findOpen(head: string, base: string): Promise<PullRequestView | undefined> {
    const { data } = await this.call(`list the open pull requests from ${head} into ${base}`, () =>
      this.api.rest.pulls.list({ owner: this.owner, repo: this.repo, head: `${this.owner}:${head}`, base, state: 'open' }),
    );
    const found = data[0];
    return found ? this.get(found.number) : undefined;
  }

  async findLatest(head: string): Promise<PullRequestView | undefined> {
    const { data } = await this.call(`list the pull requests from ${head}`, () =>
      this.api.rest.pulls.list({ owner: this.owner, repo: this.repo, head: `${this.owner}:${head}`, state: 'all', sort: 'created', direction: 'desc', per_page: 10 }),
    );
    // Newest first as asked; the highest number also wins should a server ignore the order.
    const newest = data.reduce<(typeof data)[number] | undefined>((best, pr) => (best === undefined || pr.number > best.number ? pr : best), undefined);
    return newest ? this.get(newest.number) : undefined;
  }

  async open(request: OpenPullRequest): Promise<PullRequestView> {
    const { data } = await this.call(`open a pull request from ${request.head} into ${request.base}`, () =>
      this.api.rest.pulls.create({ owner: this.owner, repo: this.repo, head: request.head, base: request.base, title: request.title, body: request.body }),
    );
    return this.view(data);
  }

  async get(number: number): Promise<PullRequestView> {
    const { data } = await this.call(`read pull request #${number}`, () => this.api.rest.pulls.get({ owner: this.owner, repo: this.repo, pull_number: number }));
    return this.view(data);
  }

  async close(number: number): Promise<void> {
    await this.call(`close pull request #${number}`, () => this.api.rest.pulls.update({ owner: this.owner, repo: this.repo, pull_number: number, state: 'closed' }));
  }

  private async view(pr: ApiPull): Promise<PullRequestView> {
    const [checks, reviews] = pr.state === 'open' ? await Promise.all([this.checks(pr.head.sha), this.reviews(pr.number)]) : [{ pending: [], passed: [], failed: [] }, { approved: [], changesRequested: [] }];
    const merged = pr.merged === true || pr.merged_at !== null;
    return {
      number: pr.number,
      url: pr.html_url,
      title: pr.title,
      head: pr.head.ref,
      base: pr.base.ref,
      headSha: pr.head.sha,
      state: merged ? 'merged' : pr.state === 'closed' ? 'closed' : 'open',
      ...(merged && pr.merge_commit_sha ? { mergeCommit: pr.merge_commit_sha } : {}),
      ...(typeof pr.mergeable === 'boolean' ? { mergeable: pr.mergeable } : {}),
      mergeState: pr.mergeable_state ?? 'unknown',
      checks,
      reviews,
    };
  }

  /** Check runs and commit statuses of the head commit, by name: pending, passed, failed. */
  private async checks(sha: string): Promise<PullRequestView['checks']> {
    const [runs, statuses] = await Promise.all([
      this.call(`read the check runs of ${sha.slice(0, 8)}`, () => this.api.rest.checks.listForRef({ owner: this.owner, repo: this.repo, ref: sha, per_page: 100 })),
      this.call(`read the statuses of ${sha.slice(0, 8)}`, () => this.api.rest.repos.getCombinedStatusForRef({ owner: this.owner, repo: this.repo, ref: sha, per_page: 100 })),
    ]);
    const pending: string[] = [];
    const passed: string[] = [];
    const failed: string[] = [];
    for (const run of runs.data.check_runs) {
      if (run.status !== 'completed') pending.push(run.name);
      else if (run.conclusion === 'success' || run.conclusion === 'neutral' || run.conclusion === 'skipped') passed.push(run.name);
      else failed.push(run.name);
    }
    for (const status of statuses.data.statuses) {
      (status.state === 'success' ? passed : status.state === 'pending' ? pending : failed).push(status.context);
    }
    return { pending, passed, failed };
  }

  /** Each reviewer's latest decisive review. */
  private async reviews(number: number): Promise<PullRequestView['reviews']> {
    const { data } = await this.call(`read the reviews of #${number}`, () => this.api.rest.pulls.listReviews({ owner: this.owner, repo: this.repo, pull_number: number, per_page: 100 }));
    const latest = new Map<string, string>();
    for (const review of data) {
      const who = review.user?.login;
      if (who && (review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED' || review.state === 'DISMISSED')) latest.set(who, review.state);
    }
    const by = (state: string) => [...latest].filter(([, s]) => s === state).map(([who]) => who);
    return { approved: by('APPROVED'), changesRequested: by('CHANGES_REQUESTED') };
  }
}

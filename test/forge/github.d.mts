// Types of github.mjs (the fake GitHub), for the TypeScript tests.

/** Branch protection of the fake, per repository and base branch. */
export interface ProtectionRule {
  /** Approving reviews needed (each reviewer's latest verdict counts; a change request blocks). */
  requiredApprovals?: number;
  /** Check run names that must be completed with success (or neutral, skipped) on the head commit. */
  requiredChecks?: string[];
}

export interface GithubForgeOptions {
  /** 'owner/name' to the absolute path of a bare repository. */
  repos: Record<string, string>;
  /** Accepted tokens; any other (expired or unknown) gets 401 "Bad credentials", none 401 "Requires authentication". */
  tokens: { valid: string[]; expired?: string[] };
  protection?: Record<string, Record<string, ProtectionRule>>;
  /** The login of the tokens' user: who opens pull requests, comments and merges through the API. Default ada-oncall. */
  viewer?: string;
  /** One line per request: `METHOD /path (operationId) -> status`. */
  log?: (line: string) => void;
}

export interface ReviewRecord {
  id: number;
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'PENDING';
  body: string;
  commitId: string;
  submittedAt: string;
}

/** A pull request as the fake holds it, with its mergeability computed at the time of the call. */
export interface PullState {
  number: number;
  title: string;
  body: string | null;
  user: string;
  head: string;
  base: string;
  headSha: string;
  baseSha: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  closedAt: string | null;
  reviews: ReviewRecord[];
  comments: number;
  mergeable: boolean | null;
  mergeableState: 'clean' | 'blocked' | 'dirty' | 'unknown';
  /** What protection still waits for, in GitHub's words (or "Pull Request is not mergeable" on a conflict). */
  blockers: string[];
  conflicts?: string[];
}

/** The merge button's outcome: GitHub's 405/409 refusals are values, not exceptions. */
export type MergeResult = { merged: true; sha: string } | { merged: false; status: 405 | 409; message: string };

export interface GithubForge {
  /** Octokit's baseUrl: http://127.0.0.1:PORT/api/v3 (paths without /api/v3 are served too). */
  url: string;
  /** From the call to listening, including loading GitHub's description (once per process). */
  startupMs: number;
  /** Loading and cutting down GitHub's description, when this process first did it. */
  descriptionMs: number;
  /** Every request or answer that did not match GitHub's description, and every request for an operation not served. */
  violations: string[];
  requests: { method: string; path: string; operationId: string | undefined; status: number }[];
  /** A review approving the pull request's current head, by a user other than its author. */
  approve(repo: string, number: number, options?: { user?: string }): void;
  requestChanges(repo: string, number: number, options?: { user?: string }): void;
  /** Creates the check run `name` on `sha`, or updates the latest one of that name. */
  setCheck(repo: string, sha: string, name: string, status: 'queued' | 'in_progress' | 'completed', conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required'): void;
  /** What a maintainer's merge button does; merges in the bare remote when GitHub would. */
  merge(repo: string, number: number, options?: { method?: 'merge' | 'squash' | 'rebase'; user?: string }): Promise<MergeResult>;
  pulls(repo: string): Promise<PullState[]>;
  close(): Promise<void>;
}

export function startGithubForge(options: GithubForgeOptions): Promise<GithubForge>;

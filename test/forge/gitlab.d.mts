// Types of gitlab.mjs (the fake GitLab), for the TypeScript tests.

export type PipelineStatus = 'created' | 'waiting_for_resource' | 'preparing' | 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped' | 'manual' | 'scheduled';

/** A project's merge request rules in the fake. */
export interface ProjectRules {
  /** Approvals required, per target branch (GitLab's approval rules scoped to protected branches). */
  approvals?: Record<string, number>;
  /** Settings > Merge requests > "Pipelines must succeed". */
  pipelinesMustSucceed?: boolean;
}

export interface GitlabForgeOptions {
  /** 'group/project' (or 'group/subgroup/project') to the absolute path of a bare repository. */
  projects: Record<string, string>;
  /** Accepted tokens (PRIVATE-TOKEN or Authorization: Bearer); any other gets 401 {"message":"401 Unauthorized"}. */
  tokens: { valid: string[]; expired?: string[] };
  rules?: Record<string, ProjectRules>;
  /** Whether each new head of an open merge request gets a pipeline (pending until the test moves it). Default true. */
  ci?: boolean;
  /** The username of the tokens' user: who opens, closes and merges through the API. Default ada-oncall. */
  viewer?: string;
  /** One line per request: `METHOD /api/v4/path (endpoint) -> status`. */
  log?: (line: string) => void;
}

/** A merge request as the fake holds it, with what GitLab's mergeability checks say at the time of the call. */
export interface MergeRequestState {
  iid: number;
  title: string;
  description: string | null;
  author: string;
  source: string;
  target: string;
  headSha: string;
  baseSha: string;
  state: 'opened' | 'closed' | 'merged';
  mergedBy: string | null;
  mergeCommitSha: string | null;
  closedBy: string | null;
  removeSource: boolean;
  /** Every head the merge request had, oldest first. */
  headShas: string[];
  approvedBy: string[];
  /** What GitLab's checks say now (never "checking"): mergeable, not_approved, ci_must_pass, conflict, not_open, ... */
  detailedMergeStatus: string;
  hasConflicts: boolean;
  /** The status of the head's pipeline, if it has one. */
  pipeline: PipelineStatus | null;
}

/** The merge button's outcome: GitLab's refusals are values (405 not mergeable, 409 sha, 422 target moved), with the check that refused. */
export type MergeResult = { merged: true; sha: string } | { merged: false; status: 405 | 409 | 422; message: string; reason: string };

export interface GitlabForge {
  /** The API base: http://127.0.0.1:PORT/api/v4 (@gitbeaker/rest's host is the part before /api/v4). */
  url: string;
  startupMs: number;
  /** Compiling the schemas, when this process first did it. */
  schemaMs: number;
  /** Every request or answer that did not match GitLab's documentation, and every request for an endpoint not served. */
  violations: string[];
  requests: { method: string; path: string; endpoint: string | undefined; status: number }[];
  /** An approval of the merge request's current head by a user other than its author; a later push resets approvals. */
  approve(project: string, iid: number, options?: { user?: string }): Promise<void>;
  /** Moves the latest pipeline of `sha` to `status`, or starts one. */
  setPipeline(project: string, sha: string, status: PipelineStatus): void;
  /** What a maintainer's merge button does; merges in the bare remote when GitLab would. */
  merge(project: string, iid: number, options?: { user?: string; sha?: string; removeSourceBranch?: boolean }): Promise<MergeResult>;
  mergeRequests(project: string): Promise<MergeRequestState[]>;
  close(): Promise<void>;
}

export function startGitlabForge(options: GitlabForgeOptions): Promise<GitlabForge>;

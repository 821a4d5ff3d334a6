// The forge a finish goes through when branches are protected: GitHub or GitLab, its API address and
// the repository, worked out from the remote's address (or git.forge), and the port the adapters
// (@octokit/rest, @gitbeaker/rest) implement. The engine sees pull requests as plain data; a GitLab
// merge request is one too.

import type { ForgeConfig } from '../config/types';

export type ForgeKind = 'github' | 'gitlab';

export interface ForgeTarget {
  readonly kind: ForgeKind;
  /** The API's base address, e.g. https://api.github.com. */
  readonly api: string;
  /** owner/name, or group/subgroup/project. */
  readonly repository: string;
  /** The web address of the repository, for links. */
  readonly web: string;
}

/** host and path of a remote address: https://host/a/b.git, ssh://git@host:22/a/b.git, git@host:a/b.git. */
export function parseRemote(url: string): { readonly host: string; readonly path: string; readonly port?: string } | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)([^\s]+)$/.exec(url);
  if (scp?.[1] && scp[2]) return { host: scp[1].toLowerCase(), path: scp[2].replace(/\.git$/, '').replace(/^\/+/, '') };
  try {
    const u = new URL(url);
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(u.protocol) || u.hostname === '') return undefined;
    return { host: u.hostname.toLowerCase(), path: decodeURIComponent(u.pathname).replace(/\.git$/, '').replace(/^\/+|\/+$/g, ''), ...(u.port && (u.protocol === 'https:' || u.protocol === 'http:') ? { port: u.port } : {}) };
  } catch {
    return undefined;
  }
}

/** The forge of a remote: from git.forge where it says, else from the address. Undefined: not one we know. */
export function resolveForge(remoteUrl: string | undefined, config: ForgeConfig | undefined): ForgeTarget | undefined {
  const remote = remoteUrl !== undefined ? parseRemote(remoteUrl) : undefined;
  const host = remote?.host;
  const kind: ForgeKind | undefined =
    config?.kind ?? (host === 'github.com' || host?.startsWith('github.') ? 'github' : host === 'gitlab.com' || host?.startsWith('gitlab.') ? 'gitlab' : undefined);
  const repository = config?.repository ?? remote?.path;
  if (kind === undefined || repository === undefined || repository === '') return undefined;
  const origin = host !== undefined ? `https://${host}${remote?.port ? `:${remote.port}` : ''}` : undefined;
  const api = config?.api?.replace(/\/+$/, '') ?? (kind === 'github' ? (host === 'github.com' ? 'https://api.github.com' : origin && `${origin}/api/v3`) : origin && `${origin}/api/v4`);
  if (api === undefined) return undefined;
  const web = origin ?? api.replace(/\/api\/v[34]$/, '').replace('://api.github.com', '://github.com');
  return { kind, api, repository, web: `${web}/${repository}` };
}

/** A pull request (GitHub) or merge request (GitLab), as the finish reads it. */
export interface PullRequestView {
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly head: string;
  readonly base: string;
  readonly headSha: string;
  readonly state: 'open' | 'closed' | 'merged';
  /** The commit the merge made on base. */
  readonly mergeCommit?: string;
  /** undefined while the forge is still computing it. */
  readonly mergeable?: boolean;
  /** clean, blocked (reviews or checks missing), dirty (conflicts), behind, unstable, unknown (GitHub's words; GitLab's mapped to them). */
  readonly mergeState: string;
  readonly checks: { readonly pending: readonly string[]; readonly passed: readonly string[]; readonly failed: readonly string[] };
  readonly reviews: { readonly approved: readonly string[]; readonly changesRequested: readonly string[] };
}

export interface OpenPullRequest {
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
}

export interface Forge {
  readonly target: ForgeTarget;
  /** "pull request" (GitHub) or "merge request" (GitLab), for messages. */
  readonly noun: string;
  /** Checks the token reaches the repository: a ForgeError 401 when it is expired or wrong. */
  check(): Promise<void>;
  /** The open request from head into base, if one exists (opened earlier, by this finish before a crash or by hand). */
  findOpen(head: string, base: string): Promise<PullRequestView | undefined>;
  /** The newest request from head in any state (open, closed, merged): a pushed manifests branch's, found again when its number was not recorded. */
  findLatest(head: string): Promise<PullRequestView | undefined>;
  open(request: OpenPullRequest): Promise<PullRequestView>;
  get(number: number): Promise<PullRequestView>;
  close(number: number): Promise<void>;
}

/** A forge API failure a person can act on: the status and the forge's own words (never the token). */
export class ForgeError extends Error {
  override readonly name = 'ForgeError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export const isForgeError = (error: unknown, ...statuses: number[]): error is ForgeError =>
  error instanceof Error && error.name === 'ForgeError' && (statuses.length === 0 || statuses.includes((error as ForgeError).status));

/** One line for a request's state: "#12 open, blocked: 1 approval missing; checks: ci pending". */
export function pullRequestLine(pr: PullRequestView, noun = 'pull request'): string {
  if (pr.state === 'merged') return `${noun} #${pr.number} merged${pr.mergeCommit ? ` as ${pr.mergeCommit.slice(0, 8)}` : ''}`;
  if (pr.state === 'closed') return `${noun} #${pr.number} closed without merging`;
  const checks = [...pr.checks.failed.map((c) => `${c} failed`), ...pr.checks.pending.map((c) => `${c} pending`), ...pr.checks.passed.map((c) => `${c} passed`)];
  const reviews = [...pr.reviews.approved.map((r) => `approved by ${r}`), ...pr.reviews.changesRequested.map((r) => `changes requested by ${r}`)];
  const state = pr.mergeable === false ? 'conflicts with its base' : pr.mergeState === 'unknown' || pr.mergeable === undefined ? 'mergeability being computed' : pr.mergeState;
  return `${noun} #${pr.number} open, ${state}; reviews: ${reviews.length > 0 ? reviews.join(', ') : 'none'}; checks: ${checks.length > 0 ? checks.join(', ') : 'none'}`;
}

// Prepares the durable fix in the GitOps manifests repository: after an imperative rollback or hotfix
// deploy, a commit on a new branch that makes git say what now runs, so a restored auto-sync keeps it.
// The work happens in a temporary detached worktree: the person's checkout and work tree stay as they are.

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Target } from '../../core/config/targets';
import { freeBranchName, deployMessage, manifestsBranchName, parseAppliedRevision, pullRequestUrl, revertMessage, rollbackEditMessage } from '../../core/gitops/manifests-change';
import { helmValuesSelector } from '../../core/gitops/helm-values';
import { readManifestImage, setManifestImage, type ImageSelector } from '../../core/gitops/manifests';
import { failed, succeeded, type Result } from '../../core/result';
import { gitRunner, type Git } from './git-runner';

export type ManifestsChange =
  | { readonly kind: 'rollback'; /** The image running after the rollback. */ readonly to: string; /** Argo CD status.sync.revision or Flux lastAppliedRevision. */ readonly appliedRevision?: string }
  | { readonly kind: 'deploy'; readonly image: string; /** The hotfix branch the image was built from. */ readonly branchName?: string; readonly issueKey?: string };

export interface PrepareOptions {
  /** Push the new branch to the remote (`-u`). */
  readonly push?: boolean;
  /** The branch to create (a free variant of it when it exists), instead of the generated name. */
  readonly branch?: string;
  /** Names the branch of a rollback: hotfix/<issue>-rollback-…. */
  readonly issueKey?: string;
  readonly progress?: (message: string) => void;
}

export interface PreparedManifests {
  /** The manifests clone, absolute. */
  readonly repo: string;
  /** The file in it (relative to its top level). */
  readonly file: string;
  /** The new branch; undefined when nothing was prepared. */
  readonly branch?: string;
  /** `origin/main`, or `main` without a remote-tracking branch. */
  readonly base: string;
  readonly commit?: string;
  readonly kind: 'revert' | 'edit' | 'none';
  readonly reverted?: { readonly sha: string; readonly subject: string };
  readonly summary: string;
  /** The next step when not pushed; empty when nothing was prepared. */
  readonly pushCommand: readonly string[];
  readonly pullRequestUrl?: string;
  /** The remote's address as configured, and the branch a request would go into (for opening it through the forge's API). */
  readonly remoteUrl?: string;
  readonly requestBase?: string;
  /** The request opened through the forge's API for the pushed branch. */
  readonly pullRequest?: { readonly number: number; readonly url: string };
  readonly pushed: boolean;
  /** Why the push failed (the branch is kept). */
  readonly pushError?: string;
  /** What went less well without stopping it: an offline fetch, an unknown applied revision. */
  readonly warnings: readonly string[];
}

interface Culprit {
  readonly sha: string;
  readonly subject: string;
}

interface OpenedClone {
  readonly manifests: NonNullable<Target['gitops']['manifests']>;
  readonly repo: string;
  readonly git: Git;
  /** The file, relative to the clone's top level. */
  readonly file: string;
  readonly hasRemote: boolean;
  readonly base: string;
  readonly baseSha: string;
  readonly baseText: string;
  readonly warnings: string[];
}

/** The configured clone, fetched (offline: a warning), at the branch the controller syncs, with the file as it is there. */
async function openClone(root: string, target: Target, progress: (message: string) => void): Promise<Result<OpenedClone>> {
  const manifests = target.gitops.manifests;
  const key = `targets.${target.name}.gitops.manifests`;
  if (!manifests) return failed(`${key} is not set: there is no manifests repository to prepare the change in.`, `Add ${key}: { repo: ../infra, path: apps/${target.app}/deployment.yaml } to .hotfix/config.yaml.`);
  const repo = path.resolve(root, manifests.repo);
  const notRepo = failed(`${key}.repo: ${manifests.repo} is not a git repository; clone the manifests repository there.`, `git clone <manifests repository URL> ${repo}`);
  if (!existsSync(repo)) return notRepo;
  const git = gitRunner(repo);
  let top: string;
  try {
    top = (await git(['rev-parse', '--show-toplevel'])).trim();
  } catch {
    return notRepo;
  }
  const file = path.posix.normalize(path.posix.join(path.relative(top, repo).split(path.sep).join('/'), manifests.path));
  const warnings: string[] = [];
  if (!(await succeeds(git, ['check-ref-format', '--branch', manifests.branch]))) return failed(`${key}.branch: ${manifests.branch} is not a branch name.`);

  const remotes = (await git(['remote'])).split('\n').map((r) => r.trim()).filter(Boolean);
  const hasRemote = remotes.includes(manifests.remote);
  if (hasRemote) {
    progress(`fetching ${manifests.branch} from ${manifests.remote}`);
    try {
      await git(['fetch', '--quiet', '--no-tags', manifests.remote, `+refs/heads/${manifests.branch}:refs/remotes/${manifests.remote}/${manifests.branch}`]);
    } catch (error) {
      warnings.push(`Could not fetch ${manifests.branch} from ${manifests.remote} (${firstLine(error)}); using what the clone already has.`);
    }
  }
  const tracking = `${manifests.remote}/${manifests.branch}`;
  const base = hasRemote && (await resolve(git, `refs/remotes/${tracking}`)) ? tracking : manifests.branch;
  const baseSha = await resolve(git, base === tracking ? `refs/remotes/${tracking}` : `refs/heads/${base}`);
  if (!baseSha) return failed(`Neither ${tracking} nor ${manifests.branch} exists in ${manifests.repo}.`, `Set ${key}.branch to the branch the GitOps controller watches.`);
  const baseText = await show(git, baseSha, file);
  if (baseText === undefined) return failed(`${file} does not exist on ${base} in ${manifests.repo}.`, `Set ${key}.path to the file that sets the image.`);
  return succeeded({ manifests, repo, git, file, hasRemote, base, baseSha, baseText, warnings });
}

/**
 * The image git says for the target (on the branch the controller syncs, freshly fetched): whether
 * restoring auto-sync would keep what runs or put something else back.
 */
export async function imageInGit(root: string, target: Target, running: string): Promise<Result<{ readonly image: string; readonly base: string; readonly file: string; readonly agrees: boolean }>> {
  const opened = await openClone(root, target, () => undefined);
  if (!opened.ok) return opened;
  const selector = selectorFor(target, running);
  const site = readManifestImage(opened.value.baseText, opened.value.file, selector);
  if (!site.ok) return site;
  return succeeded({ image: site.value.image, base: opened.value.base, file: opened.value.file, agrees: site.value.image === running });
}

export async function prepareManifestsChange(root: string, target: Target, change: ManifestsChange, options: PrepareOptions = {}): Promise<Result<PreparedManifests>> {
  const progress = options.progress ?? (() => undefined);
  const opened = await openClone(root, target, progress);
  if (!opened.ok) return opened;
  const { manifests, repo, git, file, hasRemote, base, baseSha, baseText, warnings } = opened.value;
  if (!(await hasIdentity(git))) return failed(`No git identity for commits: set user.name/user.email in ${manifests.repo}.`, `git -C ${repo} config user.name "Your Name" && git -C ${repo} config user.email you@example.com`);

  const image = change.kind === 'rollback' ? change.to : change.image;
  const selector = selectorFor(target, image);
  const current = readManifestImage(baseText, file, selector);
  if (!current.ok) return current;
  const prBase = manifests.branch;
  if (current.value.image === image) {
    return succeeded({ repo, file, base, kind: 'none', summary: `git already says ${image}: ${file} on ${base} sets it; nothing to prepare.`, pushCommand: [], pushed: false, warnings });
  }

  // The commit to revert: the newest one, up to what the controller applied, that changed this image.
  let culprit: Culprit | undefined;
  let searched = base;
  if (change.kind === 'rollback') {
    let start = baseSha;
    if (change.appliedRevision !== undefined) {
      const sha = parseAppliedRevision(change.appliedRevision);
      const applied = sha !== undefined ? await resolve(git, `${sha}^{commit}`) : undefined;
      if (applied !== undefined) [start, searched] = [applied, short(applied)];
      else warnings.push(`The applied revision ${change.appliedRevision} is not a commit in ${manifests.repo}; looking from ${base} instead.`);
    }
    culprit = await findCulprit(git, start, file, selector);
  }

  const taken = new Set((await git(['for-each-ref', '--format=%(refname:short)', 'refs/heads', `refs/remotes/${manifests.remote}`])).split('\n').map((r) => r.trim().replace(new RegExp(`^${escapeRegExp(manifests.remote)}/`), '')));
  const wanted = options.branch ?? (change.kind === 'deploy' ? change.branchName : undefined) ?? manifestsBranchName(change.kind, options.issueKey ?? (change.kind === 'deploy' ? change.issueKey : undefined) ?? target.name, image);
  if (!(await succeeds(git, ['check-ref-format', '--branch', wanted]))) return failed(`${wanted} is not a branch name.`, 'Pass another --branch.');
  const branch = freeBranchName(wanted, taken);
  if (branch !== wanted) warnings.push(`The branch ${wanted} exists already; prepared ${branch} instead.`);

  const work = await mkdtemp(path.join(tmpdir(), 'hotfix-manifests-'));
  const worktree = path.join(work, 'tree');
  let made: { commit: string; kind: 'revert' | 'edit'; reverted?: Culprit; why?: string };
  try {
    await git(['worktree', 'add', '--quiet', '--detach', worktree, baseSha]);
    const wt = gitRunner(worktree);
    const attempt = change.kind === 'rollback' && culprit ? await tryRevert(wt, worktree, file, selector, culprit, change.to, target.name) : undefined;
    if (attempt?.ok) {
      made = { commit: attempt.value, kind: 'revert', reverted: culprit };
    } else {
      const why = change.kind === 'rollback' ? (attempt && !attempt.ok ? attempt.reason : `no commit up to ${searched} changed the image in ${file}`) : undefined;
      const absolute = path.join(worktree, ...file.split('/'));
      const edit = setManifestImage(await readFile(absolute, 'utf8'), file, selector, image);
      if (!edit.ok) return edit;
      await writeFile(absolute, edit.value.text);
      await wt(['add', '--', file]);
      const message = change.kind === 'rollback' ? rollbackEditMessage(target.name, image, `not a revert: ${why ?? ''}`) : deployMessage(target.name, image, change);
      await wt(['commit', '--quiet', '-m', message]);
      made = { commit: (await wt(['rev-parse', 'HEAD'])).trim(), kind: 'edit', ...(why !== undefined ? { why } : {}) };
    }
    await git(['branch', '--no-track', branch, made.commit]);
  } finally {
    await git(['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
    await git(['worktree', 'prune']).catch(() => undefined);
  }

  const was = current.value.image;
  const summary =
    made.kind === 'revert' && made.reverted
      ? `Reverted ${short(made.reverted.sha)} "${made.reverted.subject}" on ${branch}: ${file} sets ${image} again (was ${was}).`
      : `${file} sets ${image} on ${branch} (was ${was})${made.why ? `; an edit, not a revert: ${made.why}` : ''}.`;
  const pushCommand = ['git', '-C', repo, 'push', '-u', manifests.remote, branch];
  // Without the remote, the push cannot work until it is added: said before the push command.
  if (!hasRemote) warnings.push(`${manifests.repo} has no remote ${manifests.remote}: add it first (git -C ${repo} remote add ${manifests.remote} <URL>), or set targets.${target.name}.gitops.manifests.remote.`);
  // The URL as configured, not rewritten by url.*.insteadOf: the address a person knows the project by.
  const remoteUrl = hasRemote ? (await git(['config', '--get', `remote.${manifests.remote}.url`]).catch(() => '')).trim() : '';
  const prUrl = remoteUrl ? pullRequestUrl(remoteUrl, prBase, branch) : undefined;
  let pushed = false;
  let pushError: string | undefined;
  if (options.push) {
    if (!hasRemote) {
      pushError = `${manifests.repo} has no remote ${manifests.remote}.`;
    } else {
      progress(`pushing ${branch} to ${manifests.remote}`);
      try {
        await git(['push', '--quiet', '-u', manifests.remote, `refs/heads/${branch}:refs/heads/${branch}`]);
        pushed = true;
      } catch (error) {
        pushError = `git push ${manifests.remote} ${branch} failed: ${firstLine(error)}`;
      }
    }
  }
  return succeeded({
    repo, file, branch, base, commit: made.commit, kind: made.kind, summary, pushCommand, pushed, warnings,
    ...(made.reverted ? { reverted: made.reverted } : {}),
    ...(prUrl !== undefined ? { pullRequestUrl: prUrl } : {}),
    ...(remoteUrl ? { remoteUrl, requestBase: prBase } : {}),
    ...(pushError !== undefined ? { pushError } : {}),
  });
}

/** Reverts the commit in the worktree; succeeds only with a commit after which the file sets `to`. */
async function tryRevert(wt: Git, worktree: string, file: string, selector: ImageSelector, culprit: Culprit, to: string, target: string): Promise<Result<string>> {
  const label = `reverting ${short(culprit.sha)} "${culprit.subject}"`;
  const undo = async () => {
    await wt(['revert', '--abort']).catch(() => undefined);
    await wt(['reset', '--hard', '--quiet', 'HEAD']).catch(() => undefined);
  };
  try {
    await wt(['revert', '--no-commit', culprit.sha]);
  } catch {
    await undo();
    return failed(`${label} conflicts with later changes to ${file}`);
  }
  const text = await readFile(path.join(worktree, ...file.split('/')), 'utf8').catch(() => undefined);
  const after = text === undefined ? undefined : readManifestImage(text, file, selector);
  if (!after?.ok || after.value.image !== to) {
    await undo();
    return failed(`${label} would set ${after?.ok ? after.value.image : 'no image'}, not ${to}`);
  }
  await wt(['commit', '--quiet', '-m', revertMessage(culprit, target, to)]);
  return succeeded((await wt(['rev-parse', 'HEAD'])).trim());
}

/** The newest non-merge commit, from `start` back, whose parent's file set another image. */
async function findCulprit(git: Git, start: string, file: string, selector: ImageSelector): Promise<Culprit | undefined> {
  const log = await git(['log', '--no-merges', '--format=%H%x09%s', '--max-count=200', start, '--', file]);
  for (const line of log.split('\n').filter(Boolean)) {
    const tab = line.indexOf('\t');
    const sha = line.slice(0, tab);
    const [after, before] = await Promise.all([imageAt(git, sha, file, selector), imageAt(git, `${sha}^`, file, selector)]);
    if (after !== before) return { sha, subject: line.slice(tab + 1) };
  }
  return undefined;
}

async function imageAt(git: Git, rev: string, file: string, selector: ImageSelector): Promise<string | undefined> {
  const text = await show(git, rev, file);
  const site = text === undefined ? undefined : readManifestImage(text, file, selector);
  return site?.ok ? site.value.image : undefined;
}

/** What chooses the image's place in the file: the container, the workload, a Helm target's values. */
function selectorFor(target: Target, image: string): ImageSelector {
  const helm = helmValuesSelector(target);
  return { image, workload: target.app, ...(target.container !== undefined ? { container: target.container } : {}), ...(helm ? { helm } : {}) };
}

async function show(git: Git, rev: string, file: string): Promise<string | undefined> {
  return git(['show', `${rev}:${file}`]).catch(() => undefined);
}

async function resolve(git: Git, ref: string): Promise<string | undefined> {
  return (await git(['rev-parse', '--verify', '--quiet', '--end-of-options', ref]).catch(() => '')).trim() || undefined;
}

async function succeeds(git: Git, args: string[]): Promise<boolean> {
  return git(args).then(() => true, () => false);
}

async function hasIdentity(git: Git): Promise<boolean> {
  const env = process.env;
  if (env.GIT_AUTHOR_NAME && env.GIT_AUTHOR_EMAIL && env.GIT_COMMITTER_NAME && env.GIT_COMMITTER_EMAIL) return true;
  const [name, email] = await Promise.all([git(['config', 'user.name']).catch(() => ''), git(['config', 'user.email']).catch(() => '')]);
  return name.trim() !== '' && email.trim() !== '';
}

function short(ref: string): string {
  return /^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 8) : ref;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').map((l) => l.trim()).find(Boolean) ?? 'unknown error';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

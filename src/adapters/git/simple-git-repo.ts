// The GitRepo port on simple-git. Each method is one or two git commands with arguments as arrays
// (never a shell string); refs from people pass after --end-of-options so they cannot become flags.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { simpleGit, GitError, type SimpleGit } from 'simple-git';
import { COMMIT_FORMAT, NAMED_TAG_FORMAT, parseCommits, parseIdentity, parseNamedTags, parseRefListing, parseStatus, parseTagRefs, RECORD, REF_LISTING_FORMAT, type RefListing } from './git-output';
import type {
  CommitInfo,
  FastForwardOutcome,
  GitInProgress,
  GitRepo,
  MergeOutcome,
  TagRef,
  WorkTreeStatus,
} from '../../core/hotfix/ports';

const INHERITED_GIT_ENV = [
  'GIT_ASKPASS',
  'SSH_ASKPASS',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_TERMINAL_PROMPT',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_NOSYSTEM',
];
/** Commands that only read: they keep the read cache; any other command clears it. */
const READ_ONLY = new Set(['ls-remote', 'for-each-ref', 'show-ref', 'rev-parse', 'status', 'log', 'config', 'remote', 'symbolic-ref', 'merge-base', 'rev-list']);

/** Cached reads that no command of ours changes (we never write config or remotes). */
const STABLE = new Set(['identity', 'remotes']);

export interface SimpleGitRepoOptions {
  /** Called with each git command's arguments, for a debug log. */
  readonly onCommand?: (args: readonly string[]) => void;
  /** This work tree's git directory: operation markers (MERGE_HEAD, ...) are read from disk there. */
  readonly gitDir: string;
}

export class SimpleGitRepo implements GitRepo {
  private readonly git: SimpleGit;
  private readonly onCommand: ((args: readonly string[]) => void) | undefined;
  private readonly gitDir: string;
  /**
   * Reads that one operation asks for several times (all tags, branches, remotes, identity), kept
   * until the next command that writes. An instance lives for one operation: a front end opens the
   * repository afresh for each.
   */
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    readonly root: string,
    options: SimpleGitRepoOptions,
  ) {
    this.onCommand = options.onCommand;
    this.gitDir = options.gitDir;
    this.git = simpleGit({
      baseDir: root,
      trimmed: false,
      maxConcurrentProcesses: 4,
      // simple-git strips inherited GIT_* variables; keep the ones a person's push and identity rely on.
      allowEnvironment: INHERITED_GIT_ENV,
      // A non-zero exit is an error even when git wrote nothing to stderr (rev-parse --verify --quiet).
      errors: (error, result) => (result.exitCode !== 0 ? Buffer.concat([...result.stdErr, ...result.stdOut]) : error),
    });
  }

  // simple-git waits 50 ms after a git process that printed nothing (its completion-detection
  // plugin), holding one of the concurrent slots meanwhile; so commands below that could be silent
  // are asked to print something they would not otherwise (a git dir, a status header, a switch).
  private async run(args: string[]): Promise<string> {
    this.onCommand?.(args);
    if (!READ_ONLY.has(args[0] ?? '')) {
      for (const key of [...this.cache.keys()]) {
        if (!STABLE.has(key)) this.cache.delete(key);
      }
    }
    return this.git.raw(args);
  }

  private cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    let hit = this.cache.get(key) as Promise<T> | undefined;
    if (hit === undefined) {
      hit = read();
      this.cache.set(key, hit);
      hit.catch(() => this.cache.delete(key));
    }
    return hit;
  }

  /** Runs a command whose exit status is the answer (0 yes, 1 no); other failures are thrown. */
  private async test(args: string[]): Promise<boolean> {
    try {
      await this.run(args);
      return true;
    } catch (error) {
      if (error instanceof GitError && !/fatal:/.test(error.message)) {
        return false;
      }
      throw error;
    }
  }

  private async lines(args: string[]): Promise<string[]> {
    return (await this.run(args)).split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  }

  async currentBranch(): Promise<string | undefined> {
    // The branch listing already read marks it (no process); when it marks none, HEAD is detached or
    // on a branch with no commit yet, which symbolic-ref tells apart.
    const listed = this.cache.get('refs') as Promise<RefListing> | undefined;
    const head = listed && (await listed.catch(() => undefined))?.head;
    if (head !== undefined) return head;
    try {
      return (await this.run(['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim() || undefined;
    } catch {
      return undefined; // detached HEAD
    }
  }

  async status(): Promise<WorkTreeStatus> {
    // --branch: a `## branch` header, so the output is never empty (no ahead/behind walk).
    const out = await this.run(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--branch', '--no-ahead-behind']);
    return parseStatus(out);
  }

  inProgress(): Promise<GitInProgress> {
    // The markers git leaves in the git directory, read from disk: no process to start.
    if (this.has('rebase-merge') || this.has('rebase-apply')) return Promise.resolve('rebase');
    if (this.has('MERGE_HEAD')) return Promise.resolve('merge');
    if (this.has('CHERRY_PICK_HEAD')) return Promise.resolve('cherry-pick');
    if (this.has('REVERT_HEAD')) return Promise.resolve('revert');
    return Promise.resolve(this.has('sequencer/todo') ? 'cherry-pick' : undefined);
  }

  private has(name: string): boolean {
    return existsSync(path.join(this.gitDir, name));
  }

  async localBranches(): Promise<string[]> {
    return [...(await this.refs()).local];
  }

  async remoteBranches(): Promise<string[]> {
    return [...(await this.refs()).remote];
  }

  async tagNames(): Promise<string[]> {
    return [...(await this.refs()).tags];
  }

  /**
   * Local and remote-tracking branches, the one checked out, and every tag's name, in one command: a
   * workspace opening asks for all of them, and tag names without their commits are a tenth of
   * show-ref's output on a repository with 10,000 tags.
   */
  private refs(): Promise<RefListing> {
    return this.cached('refs', async () => parseRefListing(await this.run(['for-each-ref', `--format=${REF_LISTING_FORMAT}`, 'refs/heads', 'refs/remotes', 'refs/tags'])));
  }

  remotes(): Promise<string[]> {
    return this.cached('remotes', () => this.lines(['remote']));
  }

  async resolveCommit(ref: string): Promise<string | undefined> {
    try {
      return (await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async tags(ref?: string, names?: readonly string[]): Promise<TagRef[]> {
    if (names !== undefined) return this.namedTags(ref, names);
    // The peeled ids come from show-ref, which reads them from packed-refs; for-each-ref's
    // %(*objectname) opens every tag object before git 2.44 (100+ ms for 10,000 tags), and the
    // --merged filter opens them again. So: show-ref for the ids, for-each-ref for the filter.
    const [all, merged] = await Promise.all([this.showTags(), ref === undefined ? undefined : this.lines(['for-each-ref', '--format=%(refname)', `--merged=${ref}`, 'refs/tags'])]);
    if (merged === undefined) {
      return [...all].map(([name, sha]) => ({ name, sha }));
    }
    return merged.flatMap((refname) => {
      const name = refname.slice('refs/tags/'.length);
      const sha = all.get(name);
      return sha === undefined ? [] : [{ name, sha }]; // deleted between the two commands
    });
  }

  /**
   * Only the tags named, each with its commit and that commit's date, in one command: naming them keeps
   * --merged cheap (git tests only those, not every tag in the repository), and opening a few tag
   * objects costs nothing.
   */
  private async namedTags(ref: string | undefined, names: readonly string[]): Promise<TagRef[]> {
    if (names.length === 0) return []; // no pattern would list every ref
    const wanted = new Set(names);
    const out = await this.run(['for-each-ref', `--format=${NAMED_TAG_FORMAT}`, ...(ref === undefined ? [] : [`--merged=${ref}`]), ...names.map((n) => `refs/tags/${n}`)]);
    // A pattern also matches below a slash (refs/tags/v1/x for v1): only the names asked for count.
    const found = parseNamedTags(out).filter((t) => wanted.has(t.name));
    // A tag of a tag is peeled one level by for-each-ref; show-ref peels it to its commit.
    const all = found.some((t) => t.sha === undefined) ? await this.showTags() : undefined;
    return found.flatMap((t) => {
      const sha = t.sha ?? all?.get(t.name);
      return sha === undefined ? [] : [{ name: t.name, sha, ...(t.date !== undefined ? { date: t.date } : {}) }];
    });
  }

  /** Every tag and the object it peels to (the commit of an annotated tag), in refname order. */
  private showTags(): Promise<Map<string, string>> {
    return this.cached('tags', () => this.readTags());
  }

  private async readTags(): Promise<Map<string, string>> {
    let out: string;
    try {
      out = await this.run(['show-ref', '--dereference', '--tags']);
    } catch (error) {
      if (error instanceof GitError && error.message.trim() === '') {
        return new Map(); // show-ref exits 1, silently, when there are no tags
      }
      throw error;
    }
    return parseTagRefs(out);
  }

  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return this.test(['merge-base', '--is-ancestor', '--end-of-options', ancestor, descendant]);
  }

  async commits(base: string, head: string, options?: { noMerges?: boolean }): Promise<CommitInfo[]> {
    const args = ['log', '--reverse', `--format=${COMMIT_FORMAT}`];
    if (options?.noMerges) {
      args.push('--no-merges');
    }
    args.push('--end-of-options', `${base}..${head}`);
    return parseCommits(await this.run(args));
  }

  commit(ref: string): Promise<CommitInfo | undefined> {
    // One process: log resolves the name itself (peeled to its commit), and fails as rev-parse would.
    return this.run(['log', '-1', '--no-walk', `--format=${COMMIT_FORMAT}`, '--end-of-options', `${ref}^{commit}`, '--']).then((out) => parseCommits(out)[0], () => undefined);
  }

  async countCommits(base: string, head: string): Promise<number> {
    return Number((await this.run(['rev-list', '--count', '--end-of-options', `${base}..${head}`])).trim());
  }

  identity(): Promise<string | undefined> {
    // Both keys in one command; exit 1 when neither is set.
    return this.cached('identity', () => this.run(['config', '--get-regexp', '^user\\.(name|email)$']).then(parseIdentity, () => undefined));
  }

  async messages(base: string, head: string): Promise<string[]> {
    const out = await this.run(['log', `--format=%B${RECORD}`, '--end-of-options', `${base}..${head}`]);
    return out.split(RECORD).map((m) => m.trim()).filter((m) => m.length > 0);
  }

  async createAndCheckout(name: string, startPoint: string): Promise<void> {
    // One process; it says "Switched to a new branch", which also spares simple-git's 50 ms wait.
    await this.run(['switch', '--no-track', '--create', name, startPoint]);
  }

  async checkout(branch: string): Promise<void> {
    // Not --quiet: "Switched to branch …" ends the command without simple-git's 50 ms wait.
    await this.run(['switch', '--no-guess', branch]);
  }

  async checkoutDetached(ref: string): Promise<void> {
    await this.run(['switch', '--quiet', '--detach', ref]);
  }

  async setBranch(name: string, sha: string, expectedOld?: string): Promise<void> {
    const args = ['update-ref', '-m', 'hotfix-deployer', `refs/heads/${name}`, sha];
    if (expectedOld !== undefined) {
      args.push(expectedOld);
    }
    await this.run(args);
  }

  async deleteBranch(name: string): Promise<void> {
    await this.run(['branch', '--quiet', '-D', name]);
  }

  async mergeNoFastForward(branch: string, message: string): Promise<MergeOutcome> {
    return this.conflictAware('merge', () => this.run(['merge', '--no-ff', '--no-edit', '-m', message, '--end-of-options', branch]));
  }

  async mergeFastForwardOnly(branch: string): Promise<FastForwardOutcome> {
    try {
      await this.run(['merge', '--ff-only', '--end-of-options', branch]);
      return { kind: 'merged', sha: await this.head() };
    } catch (error) {
      if (error instanceof GitError && /not possible to fast-forward|Not possible to fast-forward|diverging/i.test(error.message)) {
        return { kind: 'refused', reason: error.message.trim().split('\n')[0] ?? 'not a fast-forward' };
      }
      throw error;
    }
  }

  async commitMerge(): Promise<string> {
    await this.run(['commit', '--quiet', '--no-edit']);
    return this.head();
  }

  async abortMerge(): Promise<void> {
    await this.run(['merge', '--abort']);
  }

  cherryPick(shas: readonly string[]): Promise<MergeOutcome> {
    return this.conflictAware('cherry-pick', () => this.run(['cherry-pick', '-x', '--keep-redundant-commits', '--end-of-options', ...shas]));
  }

  async continueCherryPick(): Promise<MergeOutcome> {
    // A resolved pick is committed with its prepared message (no editor); then the sequencer picks
    // the rest. Either may stop again on the next conflict.
    if (this.has('CHERRY_PICK_HEAD')) {
      await this.run(['commit', '--quiet', '--no-edit']);
    }
    if (this.has('sequencer/todo')) {
      return this.conflictAware('cherry-pick', () => this.run(['cherry-pick', '--continue']));
    }
    return { kind: 'merged', sha: await this.head() };
  }

  async abortCherryPick(): Promise<void> {
    await this.run(['cherry-pick', '--abort']);
  }

  async createAnnotatedTag(name: string, sha: string, message: string): Promise<void> {
    await this.run(['tag', '--annotate', `--message=${message}`, '--end-of-options', name, sha]);
  }

  async deleteTag(name: string): Promise<void> {
    await this.run(['tag', '--delete', name]);
  }

  async stash(message: string): Promise<void> {
    await this.run(['stash', 'push', `--message=${message}`]);
  }

  async push(remote: string, refspecs: readonly string[]): Promise<void> {
    await this.run(['push', '--atomic', '--porcelain', remote, ...refspecs]);
  }

  async fetch(remote: string, refspecs: readonly string[]): Promise<void> {
    await this.run(['fetch', '--no-tags', '--end-of-options', remote, ...refspecs]);
  }

  async remoteUrl(remote: string): Promise<string | undefined> {
    return (await this.lines(['remote', 'get-url', '--end-of-options', remote]).catch(() => []))[0];
  }

  async isShallow(): Promise<boolean> {
    return (await this.run(['rev-parse', '--is-shallow-repository'])).trim() === 'true';
  }

  async remoteTags(remote: string): Promise<Map<string, string> | undefined> {
    let out: string;
    try {
      out = await this.run(['ls-remote', '--tags', '--end-of-options', remote]);
    } catch {
      return undefined; // offline, or the remote refused: the caller goes on with what it has
    }
    return parseTagRefs(out); // `v1.0.0^{}`, the commit an annotated tag peels to, is the one that matters
  }

  private async head(): Promise<string> {
    return (await this.run(['rev-parse', 'HEAD'])).trim();
  }

  /** Runs a merge-like command; a stop with unmerged files is a conflict, anything else is thrown. */
  private async conflictAware(kind: 'merge' | 'cherry-pick', command: () => Promise<string>): Promise<MergeOutcome> {
    try {
      await command();
      return { kind: 'merged', sha: await this.head() };
    } catch (error) {
      if (!(error instanceof GitError) || (await this.inProgress()) !== kind) {
        throw error;
      }
      const files = (await this.status()).conflicted;
      if (files.length === 0) {
        throw error;
      }
      return { kind: 'conflict', files };
    }
  }
}

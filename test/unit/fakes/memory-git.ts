// The GitRepo port in memory: a commit graph (memory-git-graph.ts), branches, annotated tags, HEAD,
// merge --no-ff, fast-forward, cherry-pick -x with git's sequencer, conflicts injected by the test,
// and remotes pushed to atomically, with their remote-tracking refs. Enough git for finish.

/* eslint-disable @typescript-eslint/require-await -- synchronous inside; async so that its errors are rejections, as the real port's are */

import type { CommitInfo, FastForwardOutcome, GitInProgress, GitRepo, MergeOutcome, TagRef, WorkTreeStatus } from '../../../src/core/hotfix/ports';
import { guarded, named, type KillSwitch } from './kill-switch';
import { CommitGraph, type Commit } from './memory-git-graph';
import { MemoryRemote } from './memory-git-remote';

export { MemoryRemote };

export interface InjectedConflict {
  readonly op: 'merge' | 'cherry-pick';
  /** The branch checked out when it happens. */
  readonly into: string;
  readonly files: readonly string[];
}

const MUTATING = named('createAndCheckout', 'checkout', 'checkoutDetached', 'setBranch', 'deleteBranch', 'mergeNoFastForward', 'mergeFastForwardOnly', 'commitMerge', 'abortMerge', 'cherryPick', 'continueCherryPick', 'abortCherryPick', 'createAnnotatedTag', 'deleteTag', 'stash', 'push');
const unmerged = () => new Error('error: Committing is not possible because you have unmerged files.');

export class MemoryGit implements GitRepo {
  readonly root = '/memory/repo';
  readonly graph = new CommitGraph();
  readonly branches = new Map<string, string>();
  /** Tag name → the commit it peels to. */
  readonly tagRefs = new Map<string, string>();
  /** Remote-tracking refs: `origin/production`. */
  readonly tracking = new Map<string, string>();
  readonly remoteRepos = new Map<string, MemoryRemote>();
  head: { branch?: string; sha: string } = { sha: '' };
  user: string | undefined = 'Ada Oncall <ada@example.com>';
  dirty: string[] = [];
  /** Conflicts the next matching merge or cherry-pick stops on, each once. */
  conflicts: InjectedConflict[] = [];
  /** A merge stopped on a conflict (MERGE_HEAD). */
  merging?: { readonly theirs: string; readonly message: string; unresolved: string[] };
  /** The sequencer of a cherry-pick: where it began, what is left, the pick it stopped on. */
  picking?: { readonly start: string; todo: string[]; stopped?: { readonly sha: string; unresolved: string[] } };
  /** Set by the process using this repository: a kill point inside one call. */
  private substep: (label: string) => void = () => undefined;

  /** This repository as a process with `kill` sees it. */
  port(kill: KillSwitch): GitRepo {
    this.substep = (label) => kill.enter(`git.${label}`, true);
    return guarded<GitRepo>(this, 'git', kill, MUTATING);
  }

  // --- the test's own git commands ---

  commitOn(branch: string, message: string): string {
    const parent = this.branches.get(branch);
    return this.advance(branch, this.graph.add(parent !== undefined ? [parent] : [], message), false);
  }

  remote(name: string): MemoryRemote {
    const remote = this.remoteRepos.get(name) ?? new MemoryRemote();
    this.remoteRepos.set(name, remote);
    return remote;
  }

  /** `git push` of the set-up: the remote and the tracking ref both get the branch. */
  publish(remote: string, branch: string): void {
    const sha = this.must(branch);
    this.remote(remote).branches.set(branch, sha);
    this.tracking.set(`${remote}/${branch}`, sha);
  }

  /** `git add` of every conflicted file. */
  resolveConflicts(): void {
    if (this.merging) this.merging.unresolved = [];
    if (this.picking?.stopped) this.picking.stopped.unresolved = [];
  }

  message(sha: string): string {
    return this.graph.get(sha)?.message ?? '';
  }
  parentsOf(sha: string): readonly string[] {
    return this.graph.get(sha)?.parents ?? [];
  }

  // --- reads ---

  async currentBranch(): Promise<string | undefined> {
    return this.head.branch;
  }
  async status(): Promise<WorkTreeStatus> {
    return { changed: [...this.dirty], untracked: [], conflicted: [...(this.merging?.unresolved ?? this.picking?.stopped?.unresolved ?? [])] };
  }
  async inProgress(): Promise<GitInProgress> {
    return this.merging ? 'merge' : this.picking ? 'cherry-pick' : undefined;
  }
  async localBranches(): Promise<string[]> {
    return [...this.branches.keys()].sort();
  }
  async remoteBranches(): Promise<string[]> {
    return [...this.tracking.keys()].sort();
  }
  async remotes(): Promise<string[]> {
    return [...this.remoteRepos.keys()];
  }
  async resolveCommit(ref: string): Promise<string | undefined> {
    return this.resolve(ref);
  }

  async tags(ref?: string, names?: readonly string[]): Promise<TagRef[]> {
    const reachable = ref === undefined ? undefined : this.graph.ancestry(this.must(ref));
    return [...this.tagRefs].filter(([name, sha]) => (names === undefined || names.includes(name)) && (reachable === undefined || reachable.has(sha))).map(([name, sha]) => ({ name, sha }));
  }

  async tagNames(): Promise<string[]> {
    return [...this.tagRefs.keys()];
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return this.graph.ancestry(this.must(descendant)).has(this.must(ancestor));
  }

  async commits(base: string, head: string, options?: { noMerges?: boolean }): Promise<CommitInfo[]> {
    return this.range(base, head)
      .filter((c) => !options?.noMerges || c.parents.length < 2)
      .map((c) => this.info(c));
  }

  async countCommits(base: string, head: string): Promise<number> {
    return this.range(base, head).length;
  }

  async commit(ref: string): Promise<CommitInfo | undefined> {
    const found = this.graph.get(this.resolve(ref) ?? '');
    return found ? this.info(found) : undefined;
  }

  async identity(): Promise<string | undefined> {
    return this.user;
  }
  async messages(base: string, head: string): Promise<string[]> {
    return this.range(base, head).map((c) => c.message);
  }
  async isShallow(): Promise<boolean> {
    return false;
  }

  async remoteTags(remote: string): Promise<Map<string, string> | undefined> {
    const r = this.remoteRepos.get(remote);
    return r?.reachable ? new Map(r.tags) : undefined;
  }

  /** No forge here: pull-request finishes are tested on real bare remotes (test/integration). */
  async remoteUrl(_remote: string): Promise<string | undefined> {
    return undefined;
  }

  fetch(remote: string): Promise<void> {
    return Promise.reject(new Error(`unexpected fetch from ${remote} in a unit test`));
  }

  // --- writes ---

  async createAndCheckout(name: string, startPoint: string): Promise<void> {
    if (this.branches.has(name)) throw new Error(`fatal: a branch named '${name}' already exists`);
    this.advance(name, this.must(startPoint), true);
  }

  async checkout(branch: string): Promise<void> {
    this.idle('switch');
    this.head = { branch, sha: this.must(`refs/heads/${branch}`) };
  }

  async checkoutDetached(ref: string): Promise<void> {
    this.idle('switch');
    this.head = { sha: this.must(ref) };
  }

  async setBranch(name: string, sha: string, expectedOld?: string): Promise<void> {
    if (expectedOld !== undefined && this.branches.get(name) !== expectedOld) throw new Error(`fatal: cannot lock ref 'refs/heads/${name}': is at another value`);
    this.advance(name, this.must(sha), false);
  }

  async deleteBranch(name: string): Promise<void> {
    if (this.head.branch === name) throw new Error(`error: cannot delete branch '${name}' used by worktree`);
    if (!this.branches.delete(name)) throw new Error(`error: branch '${name}' not found`);
  }

  async mergeNoFastForward(branch: string, message: string): Promise<MergeOutcome> {
    this.idle('merge');
    const [target, ours] = this.checkedOut();
    const theirs = this.must(branch);
    if (this.graph.ancestry(ours).has(theirs)) return { kind: 'merged', sha: ours }; // Already up to date.
    const conflict = this.takeConflict('merge', target);
    if (conflict) {
      this.merging = { theirs, message, unresolved: [...conflict.files] };
      return { kind: 'conflict', files: conflict.files };
    }
    return { kind: 'merged', sha: this.advance(target, this.graph.add([ours, theirs], message), true) };
  }

  async mergeFastForwardOnly(branch: string): Promise<FastForwardOutcome> {
    this.idle('merge');
    const [target, ours] = this.checkedOut();
    const theirs = this.must(branch);
    if (this.graph.ancestry(ours).has(theirs)) return { kind: 'merged', sha: ours };
    if (!this.graph.ancestry(theirs).has(ours)) return { kind: 'refused', reason: 'fatal: Not possible to fast-forward, aborting.' };
    return { kind: 'merged', sha: this.advance(target, theirs, true) };
  }

  async commitMerge(): Promise<string> {
    const merging = this.merging;
    if (!merging) throw new Error('fatal: There is no merge in progress (MERGE_HEAD missing).');
    if (merging.unresolved.length > 0) throw unmerged();
    const [target, ours] = this.checkedOut();
    this.merging = undefined;
    return this.advance(target, this.graph.add([ours, merging.theirs], merging.message), true);
  }

  async abortMerge(): Promise<void> {
    if (!this.merging) throw new Error('fatal: There is no merge to abort (MERGE_HEAD missing).');
    this.merging = undefined;
  }

  async cherryPick(shas: readonly string[]): Promise<MergeOutcome> {
    this.idle('cherry-pick');
    const [, start] = this.checkedOut();
    this.picking = { start, todo: shas.map((s) => this.must(s)) };
    return this.sequence(true);
  }

  async continueCherryPick(): Promise<MergeOutcome> {
    const picking = this.picking;
    if (!picking) return { kind: 'merged', sha: this.head.sha };
    if (picking.stopped) {
      if (picking.stopped.unresolved.length > 0) throw unmerged();
      this.pick(picking.stopped.sha);
      picking.stopped = undefined;
    }
    return this.sequence(false);
  }

  async abortCherryPick(): Promise<void> {
    const picking = this.picking;
    if (!picking) throw new Error('error: no cherry-pick or revert in progress');
    const [target] = this.checkedOut();
    this.picking = undefined;
    this.advance(target, picking.start, true);
  }

  async createAnnotatedTag(name: string, sha: string, _message: string): Promise<void> {
    if (this.tagRefs.has(name)) throw new Error(`fatal: tag '${name}' already exists`);
    this.tagRefs.set(name, this.must(sha));
  }

  async deleteTag(name: string): Promise<void> {
    if (!this.tagRefs.delete(name)) throw new Error(`error: tag '${name}' not found.`);
  }
  async stash(_message: string): Promise<void> {
    this.dirty = [];
  }

  /** `push --atomic` (memory-git-remote.ts); then, after a kill point, the remote-tracking refs follow. */
  async push(remote: string, refspecs: readonly string[]): Promise<void> {
    const r = this.remoteRepos.get(remote);
    if (!r) throw new Error(`fatal: '${remote}' does not appear to be a git repository`);
    const updates = refspecs.map((spec) => {
      const [src = '', ref = ''] = spec.split(':');
      return { ref, sha: src === '' ? undefined : this.must(src) };
    });
    r.receive(updates, (sha, old) => this.graph.ancestry(sha).has(old));
    this.substep('push:tracking-refs');
    for (const { ref, sha } of updates.filter((u) => u.ref.startsWith('refs/heads/'))) {
      const tracking = `${remote}/${ref.slice('refs/heads/'.length)}`;
      if (sha === undefined) this.tracking.delete(tracking);
      else this.tracking.set(tracking, sha);
    }
  }

  // --- the model ---

  private resolve(ref: string): string | undefined {
    if (ref === 'HEAD') return this.head.branch !== undefined ? this.branches.get(this.head.branch) : this.head.sha || undefined;
    for (const [prefix, table] of [['refs/heads/', this.branches], ['refs/tags/', this.tagRefs], ['refs/remotes/', this.tracking]] as const) {
      if (ref.startsWith(prefix)) return table.get(ref.slice(prefix.length));
    }
    if (this.graph.has(ref)) return ref;
    return this.branches.get(ref) ?? this.tagRefs.get(ref) ?? this.tracking.get(ref);
  }

  private must(ref: string): string {
    const sha = this.resolve(ref);
    if (sha === undefined) throw new Error(`fatal: bad revision '${ref}'`);
    return sha;
  }

  private range(base: string, head: string): Commit[] {
    return this.graph.range(this.must(base), this.must(head));
  }

  private info(c: Commit): CommitInfo {
    return { sha: c.sha, subject: c.message.split('\n')[0] ?? '', author: this.user ?? 'unknown', date: '2025-03-04T10:00:00Z', parents: c.parents.length };
  }

  private checkedOut(): [string, string] {
    const branch = this.head.branch;
    if (branch === undefined) throw new Error('fatal: HEAD is detached; this fake merges into branches only');
    return [branch, this.must(`refs/heads/${branch}`)];
  }

  /** Moves `branch` to `sha`, and HEAD with it when it is checked out (or `checkout`). */
  private advance(branch: string, sha: string, checkout: boolean): string {
    this.branches.set(branch, sha);
    if (checkout || this.head.branch === branch) this.head = { branch, sha };
    return sha;
  }

  private idle(what: string): void {
    if (this.merging || this.picking) throw new Error(`error: cannot ${what}: a ${this.merging ? 'merge' : 'cherry-pick'} is in progress`);
  }

  private takeConflict(op: InjectedConflict['op'], into: string): InjectedConflict | undefined {
    const at = this.conflicts.findIndex((c) => c.op === op && c.into === into);
    return at < 0 ? undefined : this.conflicts.splice(at, 1)[0];
  }

  private pick(sha: string): void {
    const [target, ours] = this.checkedOut();
    this.advance(target, this.graph.add([ours], `${this.message(sha)}\n\n(cherry picked from commit ${sha})`), true);
  }

  /** Picks what is left in the sequencer; a process may be killed between two picks. */
  private sequence(fresh: boolean): MergeOutcome {
    const picking = this.picking;
    if (!picking) return { kind: 'merged', sha: this.head.sha };
    for (let sha = picking.todo[0], first = fresh; sha !== undefined; sha = picking.todo[0], first = false) {
      if (!first) this.substep('cherryPick:next');
      picking.todo.shift();
      const conflict = this.takeConflict('cherry-pick', this.head.branch ?? '');
      if (conflict) {
        picking.stopped = { sha, unresolved: [...conflict.files] };
        return { kind: 'conflict', files: conflict.files };
      }
      this.pick(sha);
    }
    this.picking = undefined;
    return { kind: 'merged', sha: this.head.sha };
  }
}

// A remote of the in-memory git (memory-git.ts): its branches and tags, updated atomically by a
// push (`git push --atomic`): a non-fast-forward branch or a tag that moved refuses every ref.

export interface RefUpdate {
  /** `refs/heads/x` or `refs/tags/v1.2.3`. */
  readonly ref: string;
  /** Undefined: delete it (accepted when absent, as git does for a full refname). */
  readonly sha: string | undefined;
}

export class MemoryRemote {
  readonly branches = new Map<string, string>();
  readonly tags = new Map<string, string>();
  /** false: every call to it fails, as offline. */
  reachable = true;

  /** Applies every update or none; `descends(sha, old)` says whether a branch update is a fast-forward. */
  receive(updates: readonly RefUpdate[], descends: (sha: string, old: string) => boolean): void {
    if (!this.reachable) throw new Error('fatal: unable to access the remote: Could not resolve host');
    const planned = updates.map(({ ref, sha }) => {
      const branch = !ref.startsWith('refs/tags/');
      const [table, name] = branch ? [this.branches, ref.slice('refs/heads/'.length)] : [this.tags, ref.slice('refs/tags/'.length)];
      const old = table.get(name);
      if (sha !== undefined && old !== undefined && old !== sha && !(branch && descends(sha, old))) {
        throw new Error(`! [rejected] ${ref} (${branch ? 'non-fast-forward' : 'already exists'})\nerror: failed to push some refs`);
      }
      return { table, name, sha };
    });
    for (const { table, name, sha } of planned) {
      if (sha === undefined) table.delete(name);
      else table.set(name, sha);
    }
  }
}

// The commit graph of the in-memory git (memory-git.ts): commits with parents and a message, their
// sha a hash of both, so the same history made twice (an uninterrupted finish, or one killed and
// continued) has the same shas, and comparing branch heads compares the whole graph.

import { createHash } from 'node:crypto';

export interface Commit {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly message: string;
  /** Creation order: `git log --reverse` order for these linear-enough histories. */
  readonly seq: number;
}

export class CommitGraph {
  private readonly commits = new Map<string, Commit>();
  private seq = 0;

  add(parents: readonly string[], message: string): string {
    const sha = createHash('sha1').update(JSON.stringify([parents, message])).digest('hex');
    if (!this.commits.has(sha)) this.commits.set(sha, { sha, parents, message, seq: this.seq++ });
    return sha;
  }

  get(sha: string): Commit | undefined {
    return this.commits.get(sha);
  }

  has(sha: string): boolean {
    return this.commits.has(sha);
  }

  /** `sha` and every commit it descends from. */
  ancestry(sha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [sha];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(this.commits.get(next)?.parents ?? []));
    }
    return seen;
  }

  /** `base..head`, oldest first. */
  range(base: string, head: string): Commit[] {
    const exclude = this.ancestry(base);
    return [...this.ancestry(head)]
      .filter((sha) => !exclude.has(sha))
      .map((sha) => this.commits.get(sha))
      .filter((c): c is Commit => c !== undefined)
      .sort((a, b) => a.seq - b.seq);
  }
}

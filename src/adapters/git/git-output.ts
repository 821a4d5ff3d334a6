// Reading git's machine output: porcelain status, the log format the adapter asks for, and show-ref's tags.

import type { CommitInfo, WorkTreeStatus } from '../../core/hotfix/ports';

const UNMERGED = new Set(['DD', 'AU', 'UD', 'UA', 'DU', 'AA', 'UU']);
export const FIELD = '\x1f';
export const RECORD = '\x1e';
export const COMMIT_FORMAT = `%H${FIELD}%s${FIELD}%an${FIELD}%cI${FIELD}%P${RECORD}`;

export function parseCommits(out: string): CommitInfo[] {
  return out
    .split(RECORD)
    .map((r) => r.trim())
    .filter((r) => r.length > 0)
    .map((record) => {
      const [sha = '', subject = '', author = '', date = '', parents = ''] = record.split(FIELD);
      return { sha, subject, author, date, parents: parents.split(' ').filter(Boolean).length };
    });
}

/** `git status --porcelain=v1 -z` (with or without the `## branch` header). */
export function parseStatus(out: string): WorkTreeStatus {
  const changed: string[] = [];
  const untracked: string[] = [];
  const conflicted: string[] = [];
  const entries = out.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? '';
    if (entry.length < 4) {
      continue;
    }
    const code = entry.slice(0, 2);
    const file = entry.slice(3);
    if (code === '##') {
      continue; // the branch header
    } else if (code === '??') {
      untracked.push(file);
    } else if (code === '!!') {
      continue;
    } else if (UNMERGED.has(code)) {
      conflicted.push(file);
    } else {
      changed.push(file);
      if (code[0] === 'R' || code[0] === 'C') {
        i++; // the entry after a rename or copy is its source path
      }
    }
  }
  return { changed, untracked, conflicted };
}

/**
 * `git show-ref --dereference --tags`: each tag's name and the object it peels to (an annotated tag's
 * `^{}` line, its commit, wins over the tag object's own id), in refname order.
 */
export function parseTagRefs(out: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue; // the empty string after the last newline
    const refname = line.slice(space + 1);
    const peeled = refname.endsWith('^{}');
    const name = refname.slice('refs/tags/'.length, peeled ? -'^{}'.length : undefined);
    if (peeled || !tags.has(name)) tags.set(name, line.slice(0, space));
  }
  return tags;
}

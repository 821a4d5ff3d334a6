// Reading git's machine output: porcelain status, and the log format the adapter asks for.

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

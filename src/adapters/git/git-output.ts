// Reading git's machine output: porcelain status, the log format the adapter asks for, the branch and tag
// listing, tags with their commits (show-ref's, and for-each-ref's for named tags), and the identity.

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
 * `git show-ref --dereference --tags` (`<id> <ref>`) or `git ls-remote --tags` (`<id>\t<ref>`): each tag's
 * name and the object it peels to (an annotated tag's `^{}` line, its commit, wins over the tag object's
 * own id), in refname order.
 */
export function parseTagRefs(out: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const line of out.split('\n')) {
    const at = line.indexOf(' ');
    const space = at >= 0 ? at : line.indexOf('\t');
    const refname = line.slice(space + 1);
    if (space < 0 || !refname.startsWith('refs/tags/')) continue; // the empty string after the last newline
    const peeled = refname.endsWith('^{}');
    const name = refname.slice('refs/tags/'.length, peeled ? -'^{}'.length : undefined);
    if (peeled || !tags.has(name)) tags.set(name, line.slice(0, space));
  }
  return tags;
}

/** What `for-each-ref --format=%(HEAD)%(refname) refs/heads refs/remotes refs/tags` says, sorted out. */
export interface RefListing {
  readonly local: string[];
  /** Remote-tracking branches as `<remote>/<branch>`, without the remotes' `HEAD`. */
  readonly remote: string[];
  readonly tags: string[];
  /** The branch checked out here; undefined when HEAD is detached or its branch has no commit yet. */
  readonly head?: string;
}

export const REF_LISTING_FORMAT = '%(HEAD)%(refname)';

export function parseRefListing(out: string): RefListing {
  const local: string[] = [];
  const remote: string[] = [];
  const tags: string[] = [];
  let head: string | undefined;
  for (const line of out.split('\n')) {
    // `*` or a space, then the full refname (which has no spaces).
    const refname = line.slice(1);
    if (refname.startsWith('refs/tags/')) {
      tags.push(refname.slice('refs/tags/'.length));
    } else if (refname.startsWith('refs/heads/')) {
      local.push(refname.slice('refs/heads/'.length));
      if (line.startsWith('*')) head = refname.slice('refs/heads/'.length);
    } else if (refname.startsWith('refs/remotes/') && !refname.endsWith('/HEAD')) {
      remote.push(refname.slice('refs/remotes/'.length));
    }
  }
  return { local, remote, tags, ...(head !== undefined ? { head } : {}) };
}

/**
 * The fields a named tag is read with: its object, and when that is a tag object, what it points at;
 * each with its committer date (empty for an object that is not a commit).
 */
export const NAMED_TAG_FORMAT = ['%(refname)', '%(objectname)', '%(committerdate:iso-strict)', '%(*objecttype)', '%(*objectname)', '%(*committerdate:iso-strict)'].join('%1f');

export interface NamedTag {
  readonly name: string;
  /** The commit (or other object) the tag peels to; undefined for a tag of a tag, which takes another read. */
  readonly sha?: string;
  readonly date?: string;
}

export function parseNamedTags(out: string): NamedTag[] {
  const tags: NamedTag[] = [];
  for (const line of out.split('\n')) {
    const [refname = '', object = '', objectDate = '', peeledType = '', peeled = '', peeledDate = ''] = line.split(FIELD);
    if (!refname.startsWith('refs/tags/')) continue;
    const name = refname.slice('refs/tags/'.length);
    // A lightweight tag names its commit; an annotated one, through its tag object (`*`), one level down.
    const [sha, date] = peeledType === '' ? [object, objectDate] : peeledType === 'tag' ? [undefined, ''] : [peeled, peeledDate];
    tags.push({ name, ...(sha !== undefined ? { sha } : {}), ...(date !== '' ? { date } : {}) });
  }
  return tags;
}

/** `git config --get-regexp ^user\.(name|email)$`: `Name <email>`, or undefined unless both are set. */
export function parseIdentity(out: string): string | undefined {
  // Every scope's value is listed, system first, local last: the last one wins, as in git.
  const value = (key: string) => out.split('\n').filter((line) => line.toLowerCase().startsWith(`${key} `)).pop()?.slice(key.length + 1).trim();
  const [name, email] = [value('user.name'), value('user.email')];
  return name && email ? `${name} <${email}>` : undefined;
}

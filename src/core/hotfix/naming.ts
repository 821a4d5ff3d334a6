// Hotfix branch names: `hotfix/<ISSUE>-<slug>`, e.g. hotfix/PROD-2847-payment-null-pointer.
// The issue key is kept as written; the title becomes a short, safe slug.

import { badInput, succeeded, type Result } from '../result';

export const HOTFIX_PREFIX = 'hotfix/';
export const SLUG_MAX = 40;
/** The longest issue key taken. */
export const ISSUE_KEY_MAX = 64;

const TRACKER_KEY = /^[A-Za-z][A-Za-z0-9_]*-[0-9]+$/;
const PLAIN_ID = /^#?[0-9]+$/;

/**
 * Accepts a tracker key (PROD-2847) or a plain id (2847 or #2847) and returns the form used in
 * branch names; anything else is refused, so nothing unexpected reaches git or a URL.
 */
export function parseIssueKey(input: string): Result<string> {
  const key = input.trim();
  // Jira keys run to about 20 characters; a ref name (and a file name under .git/refs) must stay short.
  if (key.length > ISSUE_KEY_MAX) {
    return badInput(`The issue key is ${key.length} characters long; the limit is ${ISSUE_KEY_MAX}.`, 'Use the tracker key, such as PROD-2847.');
  }
  if (TRACKER_KEY.test(key)) {
    return succeeded(key);
  }
  if (PLAIN_ID.test(key)) {
    return succeeded(key.replace(/^#/, ''));
  }
  return badInput(
    `"${input}" is not an issue key.`,
    'Use a tracker key such as PROD-2847 (letters, digits or _, a dash, a number) or a plain id such as 2847.',
  );
}

/** Lower case, `[a-z0-9-]` only, at most SLUG_MAX characters, cut at a word boundary when it can be. */
export function slugify(title: string): string {
  const ascii = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length <= SLUG_MAX) {
    return slug;
  }
  const cut = slug.slice(0, SLUG_MAX);
  const lastDash = cut.lastIndexOf('-');
  // Prefer a whole-word cut unless it would throw away more than half of the room.
  return (lastDash > SLUG_MAX / 2 ? cut.slice(0, lastDash) : cut).replace(/-+$/, '');
}

export function hotfixBranchName(issueKey: string, title: string): string {
  const slug = slugify(title);
  return `${HOTFIX_PREFIX}${issueKey}${slug ? `-${slug}` : ''}`;
}

export interface ParsedHotfixBranch {
  readonly issueKey: string;
  readonly slug: string;
}

const BRANCH = /^hotfix\/([A-Za-z][A-Za-z0-9_]*-[0-9]+|[0-9]+)(?:-([a-z0-9-]*))?$/;

/** Reads the issue key back out of a hotfix branch name; undefined for any other branch. */
export function parseHotfixBranch(branch: string): ParsedHotfixBranch | undefined {
  const match = BRANCH.exec(branch);
  if (!match?.[1]) {
    return undefined;
  }
  return { issueKey: match[1], slug: match[2] ?? '' };
}

// Finds the git repository a folder belongs to, through simple-git (arguments as arrays, no shell).

import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';

export interface RepositoryLocation {
  /** The top of the work tree. */
  readonly root: string;
  /** This work tree's git directory (`.git`, or `.git/worktrees/<name>` for a linked worktree). */
  readonly gitDir: string;
  /** The directory shared by all worktrees: where state that outlives a worktree belongs. */
  readonly commonDir: string;
}

/**
 * The repository containing `dir`, or undefined when `dir` is not inside a work tree
 * (a plain folder, a bare repository, a folder that does not exist).
 */
export async function locateRepository(dir: string): Promise<RepositoryLocation | undefined> {
  if (!isFolder(dir)) {
    return undefined;
  }
  const git = simpleGit({ baseDir: dir, trimmed: true });
  let output: string;
  try {
    // --path-format=absolute (git 2.31+): --git-common-dir is otherwise relative to the folder asked from.
    output = await git.raw(['rev-parse', '--path-format=absolute', '--is-inside-work-tree', '--show-toplevel', '--git-dir', '--git-common-dir']);
  } catch {
    return undefined; // "not a git repository" and its kin: nothing here for us
  }
  const [inside, root, gitDir, commonDir] = output.split('\n').map((line) => line.trim());
  if (inside !== 'true' || !root || !gitDir || !commonDir) {
    return undefined;
  }
  return { root, gitDir: path.normalize(gitDir), commonDir: path.normalize(commonDir) };
}

function isFolder(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Why `dir` has no work tree to work in, in words a person can act on; for when locateRepository found none. */
export async function whyNoRepository(dir: string): Promise<{ reason: string; hint: string; plain: boolean }> {
  const pass = 'Run it from the repository of the service, or pass --repo=PATH.';
  if (!existsSync(dir)) return { reason: `${dir} does not exist.`, hint: pass, plain: false };
  if (!isFolder(dir)) return { reason: `${dir} is a file, not a folder.`, hint: pass, plain: false };
  let bare: boolean;
  try {
    bare = (await simpleGit({ baseDir: dir, trimmed: true }).raw(['rev-parse', '--is-bare-repository'])).trim() === 'true';
  } catch {
    bare = false;
  }
  if (bare) return { reason: `${dir} is a bare repository: it has no work tree to branch, commit or merge in.`, hint: `Clone it (git clone ${dir} <folder>) and run it in the clone.`, plain: false };
  // `plain`: an ordinary folder outside any repository, where a caller's own hint fits best.
  return { reason: `${dir} is not inside a git repository.`, hint: pass, plain: true };
}

// @ts-check
// The git side of the fake GitHub (github.mjs): what GitHub reads from and writes to a bare repository when a pull
// request is shown and merged: branch heads, mergeability (git merge-tree --write-tree, so no work tree is needed),
// the diff counts, and the merge commit itself, moved onto the base branch only if the base did not move meanwhile.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Never the machine's or the user's git config: the fake answers the same everywhere. */
const ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };

/**
 * @param {string} gitDir
 * @param {string[]} args
 * @param {{ env?: Record<string, string>, ok?: number[] }} [options] `ok`: exit codes that are answers, not failures
 */
async function git(gitDir, args, { env = {}, ok = [0] } = {}) {
  try {
    const { stdout } = await run('git', ['--git-dir', gitDir, ...args], { env: { ...ENV, ...env }, maxBuffer: 64 << 20 });
    return { code: 0, out: stdout.trim() };
  } catch (error) {
    const e = /** @type {{ code?: unknown, stdout?: string, stderr?: string }} */ (error);
    if (typeof e.code === 'number' && ok.includes(e.code)) return { code: e.code, out: (e.stdout ?? '').trim() };
    throw new Error(`git ${args.join(' ')} in ${gitDir} failed: ${(e.stderr ?? String(error)).trim().split('\n')[0]}`, { cause: error });
  }
}

/** Throws, saying what to install, unless git can merge without a work tree (merge-tree --write-tree: git 2.38). */
export async function assertGitVersion() {
  const { stdout } = await run('git', ['--version'], { env: ENV });
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(stdout) ?? []).slice(1).map(Number);
  if (major < 2 || (major === 2 && minor < 38)) {
    throw new Error(`the fake GitHub needs git 2.38 or later (merge-tree --write-tree), found ${stdout.trim()}`);
  }
}

/** The commit a branch points at, or undefined if there is no such branch. */
export async function branchSha(/** @type {string} */ gitDir, /** @type {string} */ branch) {
  const { code, out } = await git(gitDir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { ok: [1] });
  return code === 0 ? out : undefined;
}

/** The commit a sha, branch or tag names (checks/list-for-ref takes any of them), or undefined. */
export async function resolveCommit(/** @type {string} */ gitDir, /** @type {string} */ ref) {
  const { code, out } = await git(gitDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { ok: [1] });
  return code === 0 ? out : undefined;
}

/** The branch the bare repository's HEAD names: GitHub's default branch. */
export async function defaultBranch(/** @type {string} */ gitDir) {
  const { code, out } = await git(gitDir, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { ok: [1] });
  return code === 0 ? out : 'main';
}

/** Whether `ancestor` is reachable from `commit` (then merging `ancestor` into `commit` brings nothing). */
export async function isAncestor(/** @type {string} */ gitDir, /** @type {string} */ ancestor, /** @type {string} */ commit) {
  return (await git(gitDir, ['merge-base', '--is-ancestor', ancestor, commit], { ok: [1] })).code === 0;
}

/**
 * Merges `head` into `base` in memory, as GitHub's mergeability check does.
 * @returns {Promise<{ clean: true, tree: string } | { clean: false, conflicts: string[] }>}
 */
export async function mergeTree(/** @type {string} */ gitDir, /** @type {string} */ base, /** @type {string} */ head) {
  const { code, out } = await git(gitDir, ['merge-tree', '--write-tree', '--name-only', '--no-messages', base, head], { ok: [1] });
  const [tree = '', ...files] = out.split('\n');
  return code === 0 ? { clean: true, tree } : { clean: false, conflicts: files.filter(Boolean) };
}

/** What a pull request's page counts: commits on head not on base, and the diff from their merge base. */
export async function diffCounts(/** @type {string} */ gitDir, /** @type {string} */ base, /** @type {string} */ head) {
  const [count, diff] = await Promise.all([git(gitDir, ['rev-list', '--count', `${base}..${head}`]), git(gitDir, ['diff', '--numstat', `${base}...${head}`])]);
  const commits = Number(count.out);
  const numstat = diff.out;
  let additions = 0, deletions = 0, changedFiles = 0;
  for (const line of numstat.split('\n').filter(Boolean)) {
    const [added = '0', deleted = '0'] = line.split('\t');
    additions += Number(added) || 0; // '-' for binary files
    deletions += Number(deleted) || 0;
    changedFiles += 1;
  }
  return { commits, additions, deletions, changedFiles };
}

/** The commit's metadata, as repos/get-branch shows it. */
export async function commitInfo(/** @type {string} */ gitDir, /** @type {string} */ sha) {
  const { out } = await git(gitDir, ['show', '-s', '--format=%T%n%P%n%an%n%ae%n%aI%n%cn%n%ce%n%cI%n%B', sha]);
  const [tree = '', parents = '', an = '', ae = '', ad = '', cn = '', ce = '', cd = '', ...message] = out.split('\n');
  return {
    tree, parents: parents.split(' ').filter(Boolean), message: message.join('\n').trim(),
    author: { name: an, email: ae, date: ad }, committer: { name: cn, email: ce, date: cd },
  };
}

/**
 * Writes the commit GitHub's merge button makes, on the base branch: a merge commit (parents: base, head) or, for
 * a squash, one commit on base with the merged tree. The branch moves only if it still points at `base`, as
 * GitHub refuses the merge when the base branch moved under it.
 * @param {string} gitDir
 * @param {{ baseRef: string, base: string, head: string, tree: string, squash: boolean, message: string,
 *   author: { name: string, email: string } }} merge
 * @returns {Promise<{ ok: true, sha: string } | { ok: false, reason: 'base-moved' }>}
 */
export async function writeMerge(gitDir, { baseRef, base, head, tree, squash, message, author }) {
  const env = {
    GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com',
  };
  const parents = squash ? ['-p', base] : ['-p', base, '-p', head];
  const { out: sha } = await git(gitDir, ['commit-tree', tree, ...parents, '-m', message], { env });
  const moved = await git(gitDir, ['update-ref', '-m', 'merge pull request', `refs/heads/${baseRef}`, sha, base], { ok: [1, 128] });
  return moved.code === 0 ? { ok: true, sha } : { ok: false, reason: 'base-moved' };
}

/** Deletes a ref (git/delete-ref, or "Delete branch" after a merge); false if there was none. */
export async function deleteRef(/** @type {string} */ gitDir, /** @type {string} */ ref) {
  const exists = await git(gitDir, ['rev-parse', '--verify', '--quiet', `refs/${ref}`], { ok: [1] });
  if (exists.code !== 0) return false;
  await git(gitDir, ['update-ref', '-d', `refs/${ref}`]);
  return true;
}

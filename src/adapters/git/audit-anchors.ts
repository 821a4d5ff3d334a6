// The audit anchors' refs (refs/hotfix/audit/<chain>, see src/core/audit/anchor.ts) in git: read the
// local ones and their history, write a new anchor commit, push it, and read the remote's. git runs
// with arguments as arrays; a remote that asks for a password fails instead of waiting for one.

import { execFile } from 'node:child_process';
import { ANCHOR_REFS, anchorMessage, parseAnchorMessage, type ChainHead } from '../../core/audit/anchor';

export interface AnchorRef {
  readonly ref: string;
  readonly sha: string;
}

export interface AnchorCommit {
  readonly sha: string;
  /** Undefined when the commit is not an audit anchor (the ref was pointed elsewhere). */
  readonly head: ChainHead | undefined;
}

/** Network commands give up after this long: verify and finish go on without the remote. */
const NETWORK_TIMEOUT_MS = 20_000;
/** More anchors than one person's finishes in years; a longer history is read up to here. */
const HISTORY_LIMIT = 5_000;

export class GitAuditAnchors {
  constructor(private readonly root: string) {}

  private git(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        [...args],
        { cwd: this.root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: options.timeoutMs ?? 0, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
        (error, stdout, stderr) => {
          if (error) {
            const limit = options.timeoutMs;
            const timedOut = error.killed === true && limit !== undefined;
            reject(new Error(timedOut ? `git ${args[0] ?? ''} gave no answer within ${limit / 1000} s` : (stderr.trim() || error.message).split('\n')[0]));
          } else {
            resolve(stdout);
          }
        },
      );
      // git may exit without reading its input (an error, or a command that takes none): not our failure.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input ?? '');
    });
  }

  /** The anchor refs in this repository. */
  async local(): Promise<AnchorRef[]> {
    const out = await this.git(['for-each-ref', '--format=%(objectname) %(refname)', ANCHOR_REFS]);
    return refLines(out);
  }

  async remotes(): Promise<string[]> {
    return (await this.git(['remote'])).split('\n').map((line) => line.trim()).filter((line) => line !== '');
  }

  /** The anchor refs on `remote`; throws when it cannot be reached. */
  async remote(remote: string): Promise<AnchorRef[]> {
    const out = await this.git(['ls-remote', '--refs', '--end-of-options', remote, `${ANCHOR_REFS}*`], { timeoutMs: NETWORK_TIMEOUT_MS });
    return refLines(out, '\t');
  }

  /** Whether the commit is here (a remote anchor someone pushed from this clone is). */
  async has(sha: string): Promise<boolean> {
    return this.git(['cat-file', '-e', `${sha}^{commit}`]).then(
      () => true,
      () => false,
    );
  }

  /** Fetches a remote anchor's commits without writing any ref: verify only reads them. */
  async fetch(remote: string, ref: string): Promise<void> {
    await this.git(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--end-of-options', remote, ref], { timeoutMs: NETWORK_TIMEOUT_MS });
  }

  /** The anchor commit at `sha` and all its ancestors, newest first. */
  async history(sha: string): Promise<AnchorCommit[]> {
    const out = await this.git(['log', `--max-count=${HISTORY_LIMIT}`, '--format=%H%x1f%B%x1e', '--end-of-options', sha]);
    return out
      .split('\x1e')
      .map((record) => record.replace(/^\n/, ''))
      .filter((record) => record.trim() !== '')
      .map((record) => {
        const [commit = '', message = ''] = record.split('\x1f');
        return { sha: commit.trim(), head: parseAnchorMessage(message) };
      });
  }

  /**
   * Writes an anchor commit for `head` on top of the ref's current one and moves the ref, only if it
   * has not moved meanwhile. An empty tree: the anchor is its message.
   */
  async write(ref: string, head: ChainHead, parent: string | undefined): Promise<string> {
    const tree = (await this.git(['hash-object', '-t', 'tree', '-w', '--stdin'], { input: '' })).trim();
    const args = ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', anchorMessage(head)];
    let sha: string;
    try {
      sha = (await this.git(args)).trim();
    } catch {
      // No git identity here: the anchor still stands; its committer just says which tool wrote it.
      sha = (await this.git(['-c', 'user.name=hotfix-deployer', '-c', 'user.email=hotfix-deployer@localhost', ...args])).trim();
    }
    await this.git(['update-ref', '-m', 'hotfix-deployer: audit anchor', ref, sha, parent ?? '']);
    return sha;
  }

  /** Pushes the ref as a fast-forward: a remote anchor this one does not descend from is never overwritten. */
  async push(remote: string, ref: string): Promise<void> {
    await this.git(['push', '--quiet', '--end-of-options', remote, `${ref}:${ref}`], { timeoutMs: NETWORK_TIMEOUT_MS });
  }
}

function refLines(out: string, separator = ' '): AnchorRef[] {
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const at = line.indexOf(separator);
      return { sha: line.slice(0, at), ref: line.slice(at + 1).trim() };
    });
}

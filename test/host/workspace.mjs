// The workspace the extension-host suite opens: a real git repository with a bare remote, a
// production branch, a develop branch and a release tag, like the repositories on-call engineers open.
// Used by both launchers (code-server here, @vscode/test-electron on a desktop).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Ada Oncall', GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada Oncall', GIT_COMMITTER_EMAIL: 'ada@example.com',
  GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0',
};

/** Creates `<dir>/service` (work tree) and `<dir>/service.git` (bare remote); returns the work tree. */
export function createWorkspace(dir) {
  const work = path.join(dir, 'service');
  const remote = path.join(dir, 'service.git');
  mkdirSync(work, { recursive: true });
  const env = { ...process.env, ...GIT_ENV };
  const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  git(dir, 'init', '--quiet', '--bare', '--initial-branch=production', remote);
  git(work, 'init', '--quiet', '--initial-branch=production');
  // The host runs tests with its own HOME: keep identity in the repository so commits work there.
  git(work, 'config', 'user.name', GIT_ENV.GIT_AUTHOR_NAME);
  git(work, 'config', 'user.email', GIT_ENV.GIT_AUTHOR_EMAIL);
  git(work, 'remote', 'add', 'origin', remote);
  writeFileSync(path.join(work, 'app.js'), 'module.exports = (order) => order.total;\n');
  git(work, 'add', 'app.js');
  git(work, 'commit', '--quiet', '-m', 'release 1.4.0');
  git(work, 'tag', '-a', 'v1.4.0', '-m', 'v1.4.0');
  git(work, 'branch', 'develop');
  git(work, 'push', '--quiet', '--follow-tags', 'origin', 'production', 'develop');
  return work;
}

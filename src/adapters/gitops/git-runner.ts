// git for the manifests repository, on simple-git: arguments as arrays (never a shell string), the
// person's push and identity variables kept, and any non-zero exit an error with git's own words.

import { simpleGit } from 'simple-git';

export type Git = (args: string[]) => Promise<string>;

const INHERITED_GIT_ENV = [
  'GIT_ASKPASS', 'SSH_ASKPASS', 'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_TERMINAL_PROMPT',
  'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL',
  'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM',
];

/** A runner in `dir`; a fetch or push that prints nothing for two minutes is stopped. */
export function gitRunner(dir: string): Git {
  const git = simpleGit({
    baseDir: dir,
    trimmed: false,
    maxConcurrentProcesses: 4,
    allowEnvironment: INHERITED_GIT_ENV,
    timeout: { block: 120_000 },
    errors: (error, result) => (result.exitCode !== 0 ? Buffer.concat([...result.stdErr, ...result.stdOut]) : error),
  });
  return (args) => git.raw(args);
}

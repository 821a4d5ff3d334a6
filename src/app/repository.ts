// What the front ends need to know about a repository before any operation: where it is (its work
// tree, git directory, and the common directory where the state lives), and its team configuration.
// The front ends ask here rather than the adapters, so that how a repository is found and read stays
// one decision (src/adapters/git/discovery.ts, config-file.ts).

import { locateRepository, type RepositoryLocation } from '../adapters/git/discovery';
import { readConfigFile } from '../adapters/config-file';
import type { HotfixConfigFile } from '../core/config/types';
import type { Result } from '../core/result';

export type { RepositoryLocation };

/** The repository `dir` is in (a linked worktree counts), or undefined. */
export function findRepository(dir: string): Promise<RepositoryLocation | undefined> {
  return locateRepository(dir);
}

/** `.hotfix/config.yaml` of the repository at `root`, parsed and checked; none: the empty configuration. */
export function teamConfiguration(root: string): Promise<Result<HotfixConfigFile>> {
  return readConfigFile(root);
}

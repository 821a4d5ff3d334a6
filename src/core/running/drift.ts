// Drift: the cluster runs another commit than the production release (someone deployed something
// else, or rolled back past it). How far apart the two are, in commits each way.

import type { GitRepo } from '../hotfix/ports';
import type { Drift } from './types';

export interface Expected {
  /** The production release tag, or the production branch. */
  readonly name: string;
  readonly sha: string;
}

export function relationOf(behind: number, ahead: number): Drift['relation'] {
  return behind > 0 && ahead > 0 ? 'diverged' : ahead > 0 ? 'ahead' : 'behind';
}

/** Undefined when the running commit is the expected one. */
export async function compareRunning(git: GitRepo, expected: Expected, runningSha: string): Promise<Drift | undefined> {
  if (runningSha === expected.sha) return undefined;
  const [behind, ahead] = await Promise.all([git.countCommits(runningSha, expected.sha), git.countCommits(expected.sha, runningSha)]);
  return { expected: expected.name, expectedSha: expected.sha, runningSha, relation: relationOf(behind, ahead), behind, ahead };
}

/** The drift in words: `running 3f9c2ab is 2 commits behind v1.10.0 (9d0e1f2)`. */
export function describeDrift(drift: Drift): string {
  const n = (count: number) => `${count} commit${count === 1 ? '' : 's'}`;
  const where =
    drift.relation === 'diverged'
      ? `has diverged from ${drift.expected}: ${n(drift.ahead)} not in it, ${n(drift.behind)} of it missing`
      : drift.relation === 'ahead'
        ? `is ${n(drift.ahead)} ahead of ${drift.expected}`
        : `is ${n(drift.behind)} behind ${drift.expected}`;
  return `the cluster runs ${drift.runningSha.slice(0, 12)}, which ${where} (${drift.expectedSha.slice(0, 12)})`;
}

// Decides the git settings: what the team wrote in .hotfix/config.yaml, and for what it left out, what
// the repository's branches, tags and remotes say. A configured name that the repository lacks is refused.

import { isPlainVersion } from '../hotfix/versions';
import { badInput, succeeded, type Result } from '../result';
import { semver } from '../semver';
import { CONFIG_PATH, type GitConfigFile, type GitSettings, type RepoFacts } from './types';

/** The branches tried, in order, when git.productionBranch is not set. */
export const PRODUCTION_CANDIDATES = ['production', 'main', 'master'] as const;
const DEVELOP_CANDIDATE = 'develop';
const MAIN_CANDIDATES = ['main', 'master'] as const;

export function resolveGitSettings(file: GitConfigFile | undefined, facts: RepoFacts): Result<GitSettings> {
  const config = file ?? {};
  const remote = resolveRemote(config.remote, facts.remotes);
  if (!remote.ok) {
    return remote;
  }
  const where = remote.value === undefined ? 'locally' : `locally or on ${remote.value}`;
  // A branch only on the remote counts: a fresh clone has just its default branch locally.
  const exists = (branch: string): boolean =>
    facts.localBranches.includes(branch) || (remote.value !== undefined && facts.remoteBranches.includes(`${remote.value}/${branch}`));
  const configured = (key: keyof GitConfigFile, branch: string | undefined): Result<string | undefined> =>
    branch === undefined || exists(branch)
      ? succeeded(branch)
      : badInput(
          `git.${key}: branch "${branch}" does not exist ${where}.`,
          `Create the branch${remote.value === undefined ? '' : `, fetch it (git fetch ${remote.value})`}, or change git.${key} in ${CONFIG_PATH}.`,
        );

  const production = configured('productionBranch', config.productionBranch);
  if (!production.ok) {
    return production;
  }
  const productionBranch = production.value ?? PRODUCTION_CANDIDATES.find(exists);
  if (productionBranch === undefined) {
    return badInput(
      `No production branch: none of ${PRODUCTION_CANDIDATES.join(', ')} exists ${where}.`,
      `Set git.productionBranch in ${CONFIG_PATH} to the branch that holds what runs in production.`,
    );
  }

  const develop = configured('developBranch', config.developBranch);
  if (!develop.ok) {
    return develop;
  }
  const detectedDevelop = exists(DEVELOP_CANDIDATE) ? DEVELOP_CANDIDATE : undefined;
  const model = config.model ?? ((develop.value ?? detectedDevelop) !== undefined ? 'gitflow' : 'trunk');
  // In trunk a develop branch plays no part unless the team named one; a stale one must not be merged into.
  const developBranch = model === 'gitflow' ? (develop.value ?? detectedDevelop) : develop.value;
  if (model === 'gitflow' && developBranch === undefined) {
    // `git branch` does not resolve a remote-only branch by its short name.
    const startPoint = facts.localBranches.includes(productionBranch) ? productionBranch : `${remote.value}/${productionBranch}`;
    return badInput(
      `git.model is gitflow, but there is no develop branch ${where}.`,
      `Create it (git branch ${DEVELOP_CANDIDATE} ${startPoint}${remote.value === undefined ? '' : ` && git push ${remote.value} ${DEVELOP_CANDIDATE}`}), ` +
        `set git.developBranch to your integration branch, or set git.model: trunk in ${CONFIG_PATH}.`,
    );
  }
  if (model === 'gitflow' && developBranch === productionBranch) {
    return badInput(
      `git.developBranch and git.productionBranch are both "${productionBranch}"; gitflow merges a hotfix from one into the other.`,
      `Name two different branches in ${CONFIG_PATH}, or set git.model: trunk.`,
    );
  }

  const main = configured('mainBranch', config.mainBranch);
  if (!main.ok) {
    return main;
  }
  const mainBranch = main.value ?? MAIN_CANDIDATES.find(exists) ?? productionBranch;

  return succeeded({
    model,
    productionBranch,
    ...(developBranch !== undefined ? { developBranch } : {}),
    mainBranch,
    tagPrefix: config.tagPrefix ?? detectTagPrefix(facts.tags),
    ...(remote.value !== undefined ? { remote: remote.value } : {}),
    ...(config.finish === 'pull-request' ? { finish: 'pull-request' as const } : {}),
    ...(config.forge !== undefined ? { forge: config.forge } : {}),
  });
}

function resolveRemote(configured: string | undefined, remotes: readonly string[]): Result<string | undefined> {
  if (configured === undefined) {
    return succeeded(remotes.includes('origin') ? 'origin' : remotes[0]);
  }
  if (remotes.includes(configured)) {
    return succeeded(configured);
  }
  return badInput(
    `git.remote: there is no remote named "${configured}" (${remotes.length === 0 ? 'this repository has no remotes' : `remotes: ${remotes.join(', ')}`}).`,
    `Add it (git remote add ${configured} <url>) or change git.remote in ${CONFIG_PATH}.`,
  );
}

/**
 * The prefix most release tags already use: counts `v1.2.3` against `1.2.3` (pre-releases and other
 * tags are ignored), `v` on a tie or when there are none, as most tooling expects.
 */
export function detectTagPrefix(tags: readonly string[]): string {
  let prefixed = 0;
  let bare = 0;
  for (const tag of tags) {
    if (tag.startsWith('v') && isRelease(tag.slice(1))) {
      prefixed += 1;
    } else if (isRelease(tag)) {
      bare += 1;
    }
  }
  return bare > prefixed ? '' : 'v';
}

/**
 * Strict X.Y.Z with no pre-release; semver.valid alone would also take `v1.2.3` and `=1.2.3`. The plain
 * X.Y.Z of most tags is answered without semver's parser (thousands of tags, on every open).
 */
function isRelease(version: string): boolean {
  if (isPlainVersion(version)) return true;
  // A `-` before any `+` makes it a pre-release, valid or not: not a release, and no parser asked.
  const dash = version.indexOf('-');
  const plus = version.indexOf('+');
  if (dash >= 0 && (plus < 0 || dash < plus)) return false;
  return /^\d/.test(version) && semver().valid(version) !== null && semver().prerelease(version) === null;
}

/** The tracker address for an issue key, or undefined when no tracker is configured. */
export function issueUrl(template: string | undefined, key: string): string | undefined {
  return template?.replaceAll('{issue}', encodeURIComponent(key));
}

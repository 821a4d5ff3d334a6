// The decisions around a change to the GitOps manifests repository that are not git commands: the
// branch name, the commit messages, the revision a controller reports, the pull-request address.

import { HOTFIX_PREFIX, slugify } from '../hotfix/naming';
import { parseImageReference } from '../image-ref';

/** The trailer every commit of ours carries, so a person (or a later run) can find them. */
export const TARGET_TRAILER = 'Hotfix-Deployer-Target';

/**
 * The commit sha in a controller's applied revision: Argo CD's status.sync.revision is the sha itself;
 * Flux's lastAppliedRevision is `main@sha1:<sha>` (older Flux: `main/<sha>`).
 */
export function parseAppliedRevision(revision: string): string | undefined {
  const match = /^(?:.*@)?(?:sha1:|sha256:)?([0-9a-f]{7,64})$/i.exec(revision.trim()) ?? /^[^@]*\/([0-9a-f]{40})$/i.exec(revision.trim());
  return match?.[1]?.toLowerCase();
}

/** `hotfix/<issue-or-target>-rollback-<image tag>` or `…-deploy-<image tag>`. */
export function manifestsBranchName(kind: 'rollback' | 'deploy', owner: string, image: string): string {
  const ref = parseImageReference(image);
  const version = ref?.tag ?? ref?.digest?.replace(/^[^:]*:/, '').slice(0, 12) ?? image;
  const slug = slugify(`${kind} ${version}`);
  return `${HOTFIX_PREFIX}${owner.replace(/[^A-Za-z0-9_.-]+/g, '-')}-${slug}`;
}

/** The name itself when free, else the first free `<name>-2`, `<name>-3`, …: an existing branch is never moved. */
export function freeBranchName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    if (!taken.has(`${name}-${n}`)) return `${name}-${n}`;
  }
}

export function revertMessage(reverted: { sha: string; subject: string }, target: string, to: string): string {
  return [
    `Revert "${reverted.subject}"`,
    '',
    `This reverts commit ${reverted.sha}.`,
    '',
    `${target} was rolled back to ${to}; this makes git say what runs, before automatic sync is restored.`,
    '',
    `${TARGET_TRAILER}: ${target}`,
  ].join('\n');
}

export function rollbackEditMessage(target: string, to: string, why: string): string {
  return [`Roll back ${target} to ${to}`, '', `${target} was rolled back to ${to}; ${why}.`, '', `${TARGET_TRAILER}: ${target}`].join('\n');
}

export function deployMessage(target: string, image: string, from: { branchName?: string; issueKey?: string }): string {
  const source = [from.branchName && `hotfix branch ${from.branchName}`, from.issueKey && `issue ${from.issueKey}`].filter(Boolean).join(', ');
  return [
    `Deploy ${image} to ${target}`,
    '',
    `${target} runs ${image}${source ? ` (${source})` : ''}; this makes git say so, before automatic sync is restored.`,
    '',
    `${TARGET_TRAILER}: ${target}`,
  ].join('\n');
}

/**
 * Where to open the pull request (GitHub) or merge request (GitLab) for a pushed branch, from the
 * remote's URL in https, ssh:// or scp-like (`git@host:owner/repo.git`) form; undefined elsewhere.
 */
export function pullRequestUrl(remoteUrl: string, base: string, branch: string): string | undefined {
  const url = remoteUrl.trim();
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(url);
  let host: string;
  let project: string;
  if (/^(?:https?|ssh|git):\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    host = parsed.hostname;
    project = parsed.pathname;
  } else if (scp?.[1] && scp[2]) {
    host = scp[1];
    project = scp[2];
  } else {
    return undefined;
  }
  project = project.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  if (!project.includes('/')) return undefined;
  const encode = (ref: string) => ref.split('/').map(encodeURIComponent).join('/');
  if (/(^|\.)github\./i.test(host)) {
    return `https://${host}/${project}/compare/${encode(base)}...${encode(branch)}?expand=1`;
  }
  if (/(^|\.)gitlab\./i.test(host)) {
    const query = `merge_request%5Bsource_branch%5D=${encodeURIComponent(branch)}&merge_request%5Btarget_branch%5D=${encodeURIComponent(base)}`;
    return `https://${host}/${project}/-/merge_requests/new?${query}`;
  }
  return undefined;
}

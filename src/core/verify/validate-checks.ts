// The built-in checks of `validate`: the config is valid for the target, the hotfix branch is pushed
// and contains the production baseline, the cluster answers, the image is new or known, and a
// server-side dry-run of every write the deploy would make succeeds. Each is a pass/fail with a reason.

import { resolveTarget } from '../config/targets';
import { CONFIG_PATH, type GitSettings, type HotfixConfigFile } from '../config/types';
import type { DeployContext } from '../deploy/context';
import type { DeploymentView } from '../deploy/ports';
import { preflightOnly } from '../deploy/preflight';
import { parseHotfixBranch } from '../hotfix/naming';
import type { GitRepo } from '../hotfix/ports';
import { highestReachableRelease } from '../hotfix/versions';
import { badInput, type Failed } from '../result';

export interface ValidationCheck {
  readonly name: string;
  readonly kind: 'suite' | 'builtin';
  readonly pass: boolean;
  /** With numbers: exit code, milliseconds, timeout; or what was compared. */
  readonly reason: string;
  /** Not run (no target, not a hotfix branch, the suite stopped): a skipped built-in check passes. */
  readonly skipped?: boolean;
  readonly dryRun?: boolean;
  /** The tail of a step's output, kept for a failed step. */
  readonly output?: string;
  readonly ms?: number;
}

/** The git reads the branch check needs. */
export type BranchGit = Pick<GitRepo, 'currentBranch' | 'resolveCommit' | 'tags' | 'tagNames' | 'isAncestor'>;

const pass = (name: string, reason: string): ValidationCheck => ({ name, kind: 'builtin', pass: true, reason });
const fail = (name: string, reason: string): ValidationCheck => ({ name, kind: 'builtin', pass: false, reason });
const skip = (name: string, reason: string): ValidationCheck => ({ name, kind: 'builtin', pass: true, skipped: true, reason });
const short = (sha: string) => sha.slice(0, 8);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The suite a run uses: the one asked for, else the target's `validate:`. */
export function suiteFor(config: HotfixConfigFile, target: string | undefined, asked: string | undefined): string | undefined {
  return asked ?? (target !== undefined ? config.targets?.[target]?.validate : undefined);
}

/**
 * What the person named, checked before anything runs: an unknown target or suite, or a suite step
 * that would run outside the repository, is bad input (nothing is run, nothing is contacted), not a
 * failed validation.
 */
export function unknownNames(config: HotfixConfigFile, target: string | undefined, suite: string | undefined): Failed | undefined {
  if (target !== undefined) {
    const resolved = resolveTarget(config, target);
    if (!resolved.ok) return resolved;
  }
  if (suite !== undefined && !config.validate?.[suite]) {
    const suites = Object.keys(config.validate ?? {});
    return badInput(`There is no validation suite "${suite}".`, suites.length > 0 ? `Known suites: ${suites.join(', ')}.` : `Add it under validate: in ${CONFIG_PATH}.`);
  }
  const used = suiteFor(config, target, suite);
  for (const step of used !== undefined ? (config.validate?.[used] ?? []) : []) {
    if (step.cwd !== undefined && !insideRepository(step.cwd)) {
      return badInput(`validate.${used}: the step ${step.name} runs in "${step.cwd}", outside the repository.`, `Give cwd as a folder inside the repository, relative to its root, in ${CONFIG_PATH}.`);
    }
  }
  return undefined;
}

/** A relative path that stays inside the folder it is relative to (no absolute path, no `..` above it). */
export function insideRepository(relative: string): boolean {
  if (/^([A-Za-z]:)?[\\/]/.test(relative) || relative.includes('\0')) return false;
  let depth = 0;
  for (const part of relative.split(/[\\/]+/)) {
    if (part === '..') depth -= 1;
    else if (part !== '.' && part !== '') depth += 1;
    if (depth < 0) return false;
  }
  return true;
}

export function configCheck(config: HotfixConfigFile, target: string | undefined, suite: string | undefined): ValidationCheck {
  const name = 'config';
  const problems: string[] = [];
  const suites = Object.keys(config.validate ?? {});
  const known = suites.length > 0 ? `known suites: ${suites.join(', ')}` : `no suites under validate: in ${CONFIG_PATH}`;
  if (suite !== undefined && !config.validate?.[suite]) problems.push(`there is no validation suite "${suite}" (${known})`);
  if (target !== undefined) {
    const resolved = resolveTarget(config, target);
    if (!resolved.ok) return fail(name, `${resolved.reason}${resolved.hint ? ` ${resolved.hint}` : ''}`);
    const raw = config.targets?.[target];
    const own = raw?.validate;
    if (own !== undefined && own !== suite && !config.validate?.[own]) problems.push(`targets.${target}.validate names "${own}", which is not a suite (${known})`);
    const verify = raw?.verify;
    if ((verify?.metrics?.length ?? 0) > 0 && !verify?.prometheus && !config.prometheus?.url) {
      problems.push(`targets.${target}.verify.metrics needs a Prometheus: set prometheus.url or targets.${target}.verify.prometheus`);
    }
    for (const [group, endpoints] of Object.entries(verify?.health ?? {})) {
      if (endpoints.length === 0) problems.push(`targets.${target}.verify.health.${group} has no endpoints`);
    }
  }
  if (problems.length > 0) return fail(name, problems.join('; '));
  const what = [target !== undefined ? `target ${target} resolves` : undefined, suite !== undefined ? `suite ${suite} has ${config.validate?.[suite]?.length ?? 0} step(s)` : 'no suite named: built-in checks only'];
  return pass(name, what.filter((w) => w !== undefined).join('; '));
}

/** The hotfix branch is on the remote at HEAD and contains production (its latest release tag and branch tip). */
export async function branchCheck(git: BranchGit, settings: GitSettings): Promise<ValidationCheck> {
  const name = 'branch';
  const branch = await git.currentBranch();
  if (branch === undefined || !parseHotfixBranch(branch)) return skip(name, `not on a hotfix branch (HEAD is ${branch ?? 'detached'}): push and baseline not checked`);
  const head = await git.resolveCommit('HEAD');
  if (head === undefined) return fail(name, `${branch} has no commit`);
  const problems: string[] = [];
  const facts: string[] = [];
  if (settings.remote === undefined) {
    facts.push('no remote configured, push not checked');
  } else {
    const tracking = `${settings.remote}/${branch}`;
    const remoteSha = await git.resolveCommit(`refs/remotes/${tracking}`);
    if (remoteSha === undefined) problems.push(`${branch} is not pushed (${tracking} does not exist): git push -u ${settings.remote} ${branch}`);
    else if (remoteSha !== head) {
      const ahead = await git.isAncestor(remoteSha, head);
      problems.push(`${tracking} is at ${short(remoteSha)}, HEAD at ${short(head)} (${ahead ? 'unpushed commits' : 'diverged'}): push ${branch}`);
    } else facts.push(`pushed: ${tracking} = HEAD ${short(head)}`);
  }
  const production = settings.productionBranch;
  const productionRef = settings.remote !== undefined && (await git.resolveCommit(`refs/remotes/${settings.remote}/${production}`)) !== undefined ? `${settings.remote}/${production}` : production;
  const productionSha = await git.resolveCommit(productionRef);
  const release = await highestReachableRelease(git, settings.tagPrefix, productionRef);
  for (const [label, sha] of [[release?.name, release?.sha], [productionRef, productionSha]] as const) {
    if (label === undefined || sha === undefined) continue;
    if (await git.isAncestor(sha, head)) facts.push(`contains ${label} (${short(sha)})`);
    else problems.push(`HEAD does not contain ${label} (${short(sha)}): merge it into ${branch}, or a deploy would undo what production has`);
  }
  return problems.length > 0 ? fail(name, problems.join('; ')) : pass(name, facts.join('; '));
}

/** The kube context answers and the namespace exists; false when the other cluster checks cannot run. */
export async function clusterCheck(ctx: DeployContext): Promise<ValidationCheck> {
  const { cluster, target } = ctx;
  const where = `context ${cluster.identity.context} (${cluster.identity.server})`;
  try {
    return (await cluster.namespaceExists(target.namespace))
      ? pass('cluster', `${where} answers; namespace ${target.namespace} exists`)
      : fail('cluster', `namespace ${target.namespace} does not exist in ${where}`);
  } catch (error) {
    return fail('cluster', `cannot reach ${where}: ${message(error)}`);
  }
}

/** Whether the image is new to the target, or which revision ran it before (informational: it passes). */
export async function imageCheck(ctx: DeployContext, image: string): Promise<ValidationCheck> {
  const { cluster, target } = ctx;
  const names = target.strategy === 'blue-green' ? [`${target.app}-blue`, `${target.app}-green`] : [target.app];
  try {
    const seen: string[] = [];
    for (const name of names) {
      const d: DeploymentView | undefined = await cluster.getDeployment(target.namespace, name);
      if (!d) return fail('image', `Deployment ${target.namespace}/${name} was not found`);
      const current = d.containers.some((c) => c.image === image);
      for (const rs of await cluster.replicaSets(d)) {
        if (rs.images.includes(image)) seen.push(`revision ${rs.revision} of ${name}`);
      }
      if (current) seen.push(`what ${name} runs now`);
    }
    return pass('image', seen.length > 0 ? `${image} was seen before: ${seen.join(', ')}` : `${image} is new to ${names.join(' and ')}`);
  } catch (error) {
    return fail('image', `cannot read the Deployment's ReplicaSets: ${message(error)}`);
  }
}

/** The strategy's preflight: every read, and a server-side dry-run of every write the deploy would make. */
export async function dryRunCheck(ctx: DeployContext, image: string): Promise<ValidationCheck> {
  try {
    const result = await preflightOnly(ctx, image);
    if (!result.ok) return fail('dry-run', `${result.reason}${result.hint ? ` ${result.hint}` : ''}`);
    const what = result.value.deployment ? ` (${result.value.deployment}${result.value.container ? ` container ${result.value.container}` : ''})` : '';
    return pass('dry-run', `the server accepted a dry-run of every ${ctx.target.strategy} write${what}`);
  } catch (error) {
    return fail('dry-run', `the dry-run could not run: ${message(error)}`);
  }
}

/** The cluster checks' stand-ins when there is no cluster to ask. */
export function clusterSkipped(names: readonly string[], reason: string): ValidationCheck[] {
  return names.map((name) => skip(name, reason));
}

export function clusterFailed(opened: Failed): ValidationCheck {
  return fail('cluster', `${opened.reason}${opened.hint ? ` ${opened.hint}` : ''}`);
}

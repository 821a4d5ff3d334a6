// @ts-check
// The timed operations: the engine's `create` in-process, the bare git commands that do the same job,
// and the whole CLI process; plus the untimed reset between runs and a per-command profile of the engine.
import { execFile, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

export const ISSUE = 'BENCH-1';
export const TITLE = 'bench run';
export const BRANCH = 'hotfix/BENCH-1-bench-run';
const RELEASE = /^v\d+\.\d+\.\d+$/;
const MAX_BUFFER = 64 * 1024 * 1024;

/** @param {bigint} start */
const since = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/**
 * The compiled engine (out/, from `npm run compile-tests`): what `hotfix-deployer create` runs.
 * @param {string} projectRoot
 */
export function loadEngine(projectRoot) {
  const out = path.join(projectRoot, 'out', 'src');
  try {
    return {
      openWorkspace: require(path.join(out, 'adapters', 'workspace.js')).openWorkspace,
      createHotfix: require(path.join(out, 'core', 'hotfix', 'create.js')).createHotfix,
      SimpleGitRepo: require(path.join(out, 'adapters', 'git', 'simple-git-repo.js')).SimpleGitRepo,
    };
  } catch (error) {
    throw new Error(`cannot load the compiled engine from ${out}: run \`npm run compile-tests\` first`, { cause: error });
  }
}

/** @typedef {ReturnType<typeof loadEngine>} Engine */
/** @typedef {import('./fixture.mjs').Fixture} Fixture */

/** @param {Fixture} fixture @param {string[]} args */
function git(fixture, args) {
  return execFileSync('git', args, { cwd: fixture.work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Back to a clean production checkout: no hotfix branches, no engine state (also after an interrupted run). */
export function pristine(fixture) {
  git(fixture, ['switch', '--quiet', '--force', fixture.production]);
  for (const ref of git(fixture, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/hotfix']).split('\n').filter(Boolean)) {
    git(fixture, ['branch', '--quiet', '-D', ref]);
  }
  rmSync(path.join(fixture.work, '.git', 'hotfix'), { recursive: true, force: true });
}

/** Checks that a run left the hotfix branch checked out at the expected release, then undoes it. */
export function verifyAndReset(fixture, label) {
  const head = git(fixture, ['rev-parse', 'HEAD']);
  const branch = git(fixture, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (head !== fixture.expected.sha || branch !== BRANCH) {
    throw new Error(`${label}: expected ${BRANCH} at ${fixture.expected.name} (${fixture.expected.sha}), found ${branch} at ${head}`);
  }
  git(fixture, ['switch', '--quiet', fixture.production]);
  git(fixture, ['branch', '--quiet', '-D', BRANCH]);
  rmSync(path.join(fixture.work, '.git', 'hotfix'), { recursive: true, force: true });
}

/**
 * (a) What a CLI `create` run does, minus process start: open the workspace, create the hotfix.
 * @param {Engine} engine @param {Fixture} fixture @param {{ onGitCommand?: (args: readonly string[]) => void }} [options]
 */
export async function engineCreate(engine, fixture, options = {}) {
  const start = process.hrtime.bigint();
  const opened = await engine.openWorkspace(fixture.work, options);
  const openMs = since(start);
  if (!opened.ok) {
    throw new Error(`openWorkspace: ${opened.reason}`);
  }
  const result = await engine.createHotfix(opened.value.context, { issue: ISSUE, title: TITLE });
  const ms = since(start);
  if (!result.ok || result.value.branch !== BRANCH) {
    throw new Error(`createHotfix: ${result.ok ? `made ${result.value.branch}` : result.reason}`);
  }
  return { ms, openMs };
}

/** (b) The bare git a person would type: is the tree clean, which release is newest in production, branch from it. */
export async function bareGitCreate(fixture) {
  const options = { cwd: fixture.work, maxBuffer: MAX_BUFFER };
  const start = process.hrtime.bigint();
  const status = await execFileAsync('git', ['status', '--porcelain'], options);
  if (status.stdout.trim() !== '') {
    throw new Error(`bare git: the work tree is not clean:\n${status.stdout}`);
  }
  const tags = await execFileAsync('git', ['tag', '--list', '--merged', fixture.production, '--sort=-v:refname'], options);
  const release = tags.stdout.split('\n').find((name) => RELEASE.test(name));
  if (release === undefined) {
    throw new Error('bare git: no release tag reachable from production');
  }
  await execFileAsync('git', ['switch', '--quiet', '-c', BRANCH, release], options);
  return { ms: since(start) };
}

/** (c) The whole CLI process, node start included. @param {string} cli @param {Fixture} fixture @param {NodeJS.ProcessEnv} [env] */
export async function cliCreate(cli, fixture, env) {
  const start = process.hrtime.bigint();
  await execFileAsync(process.execPath, [cli, 'create', `--issue=${ISSUE}`, `--title=${TITLE}`, `--repo=${fixture.work}`], {
    cwd: fixture.work,
    maxBuffer: MAX_BUFFER,
    ...(env ? { env } : {}),
  });
  return { ms: since(start) };
}

/**
 * One engine run with every git command timed: the adapter's onGitCommand hook names the commands; the
 * durations come from wrapping the adapter's private `run` (bench-only instrumentation).
 * @param {Engine} engine @param {Fixture} fixture
 */
export async function profileEngine(engine, fixture) {
  /** @type {{ args: string, at: number, ms: number, silent: boolean }[]} */
  const commands = [];
  let announced = 0;
  const proto = engine.SimpleGitRepo.prototype;
  const original = proto.run;
  const origin = process.hrtime.bigint();
  proto.run = async function timedRun(/** @type {string[]} */ args) {
    const start = process.hrtime.bigint();
    /** @type {{ args: string, at: number, ms: number, silent: boolean }} */
    const entry = { args: args.join(' '), at: since(origin), ms: 0, silent: false };
    commands.push(entry);
    try {
      const output = await original.call(this, args);
      entry.silent = output === '';
      return output;
    } catch (error) {
      entry.silent = !(error instanceof Error) || error.message === '';
      throw error;
    } finally {
      entry.ms = since(start);
    }
  };
  try {
    const { ms, openMs } = await engineCreate(engine, fixture, { onGitCommand: () => (announced += 1) });
    return { ms, openMs, commands, announced };
  } finally {
    proto.run = original;
  }
}

/** Median, and p90 by nearest rank. @param {number[]} values */
export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? rank(0.5) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
  return { runs: sorted.length, median, p90: rank(0.9), min: sorted[0] ?? NaN };
}

import assert from 'node:assert/strict';
import { resolveTarget } from '../../src/core/config/targets';
import type { GitSettings, HotfixConfigFile } from '../../src/core/config/types';
import type { DeployContext } from '../../src/core/deploy/context';
import { ClusterRefusal, type Cluster, type DeploymentView, type ReplicaSetView } from '../../src/core/deploy/ports';
import type { TagRef } from '../../src/core/hotfix/ports';
import type { AuditRecord, Clock, StateStore } from '../../src/core/ports';
import type { CommandRun, CommandRunner, CommandRunOptions } from '../../src/core/verify/command-port';
import { failedChecks, recordValidation, validate, validationKey, type ValidateContext, type ValidationReport } from '../../src/core/verify/validate';
import type { BranchGit } from '../../src/core/verify/validate-checks';
import { blocked, overrideAllowed, savedCovers } from '../../src/core/verify/validate-gate';

const NOW = new Date('2026-11-27T10:00:00Z');
const clock: Clock = { now: () => NOW, sleep: () => Promise.resolve() };

/** A fake CommandRunner: answers from a script keyed by the command's first word, and keeps every call. */
class FakeRunner implements CommandRunner {
  readonly calls: { argv: readonly string[]; options: CommandRunOptions }[] = [];
  constructor(private readonly script: Readonly<Record<string, Partial<CommandRun> & { lines?: string[] }>>, private readonly onRun?: (argv: readonly string[]) => void) {}
  run(argv: readonly string[], options: CommandRunOptions): Promise<CommandRun> {
    this.calls.push({ argv, options });
    this.onRun?.(argv);
    const answer = this.script[argv[0] ?? ''];
    if (!answer) throw new Error(`the fake runner was not told about ${argv.join(' ')}`);
    for (const line of answer.lines ?? []) options.onOutput?.(line);
    const { lines: _lines, ...run } = answer;
    return Promise.resolve({ exitCode: 0, timedOut: false, output: '', ms: 10, ...run });
  }
}

const suites: HotfixConfigFile['validate'] = {
  ci: [
    { name: 'unit', run: ['pass', 'unit'], timeout: '30s' },
    { name: 'lint', run: ['fail', 'lint'], cwd: 'web' },
    { name: 'migrations', run: ['pass', 'migrate', '--dry-run'], dryRun: true },
  ],
};

function context(runner: CommandRunner, extra: Partial<ValidateContext> = {}): ValidateContext {
  return { runner, clock, ...extra };
}

describe('validate engine: suite steps (with a fake CommandRunner)', () => {
  const runner = () => new FakeRunner({ pass: { exitCode: 0, ms: 120 }, fail: { exitCode: 2, ms: 45, output: 'x'.repeat(5000) + 'lint: 3 problems' } });

  it('runs every step after a failure, with exit codes, milliseconds, the dry-run label and the failed output tail', async () => {
    const fake = runner();
    const lines: string[] = [];
    const report = await validate(context(fake, { progress: (m) => lines.push(m) }), { config: { validate: suites }, suite: 'ci' });
    assert.deepEqual(fake.calls.map((c) => [c.argv.join(' '), c.options.cwd, c.options.timeoutMs]), [
      ['pass unit', '.', 30_000],
      ['fail lint', 'web', 600_000],
      ['pass migrate --dry-run', '.', 600_000],
    ]);
    const steps = report.checks.filter((c) => c.kind === 'suite');
    assert.deepEqual(steps.map((c) => [c.name, c.pass, c.reason, c.dryRun ?? false]), [
      ['unit', true, 'exit 0 in 120 ms', false],
      ['lint', false, 'exit 2 in 45 ms', false],
      ['migrations', true, 'exit 0 in 120 ms', true],
    ]);
    assert.equal(steps[1]?.output?.length, 4096, 'the tail of a failed step is kept, ~4 KB');
    assert.match(steps[1]?.output ?? '', /lint: 3 problems$/);
    assert.equal(steps[0]?.output, undefined, 'a passing step keeps no output');
    assert.equal(report.pass, false);
    assert.equal(report.suite, 'ci');
    assert.deepEqual(failedChecks(report).map((c) => c.name), ['lint']);
    assert.deepEqual(lines, ['▶ unit: pass unit', '▶ lint: fail lint', '▶ migrations (dry run): pass migrate --dry-run']);
  });

  it('streams each output line with its step name', async () => {
    const fake = new FakeRunner({ pass: { lines: ['one', 'two'] } });
    const seen: string[] = [];
    await validate(context(fake, { onOutput: (step, line) => seen.push(`${step}: ${line}`) }), { config: { validate: { s: [{ name: 'a', run: ['pass'] }] } }, suite: 's' });
    assert.deepEqual(seen, ['a: one', 'a: two']);
  });

  it('stops the suite at a timed-out step: the rest is reported as not run', async () => {
    const fake = new FakeRunner({ pass: {}, hang: { exitCode: null, signal: 'SIGTERM', timedOut: true, ms: 1003 } });
    const config: HotfixConfigFile = { validate: { s: [{ name: 'a', run: ['pass'] }, { name: 'b', run: ['hang'], timeout: '1s' }, { name: 'c', run: ['pass'] }] } };
    const report = await validate(context(fake), { config, suite: 's' });
    assert.equal(fake.calls.length, 2, 'c never ran');
    const steps = report.checks.filter((c) => c.kind === 'suite');
    assert.deepEqual(steps.map((c) => [c.name, c.pass, c.skipped ?? false, c.reason]), [
      ['a', true, false, 'exit 0 in 10 ms'],
      ['b', false, false, 'timed out: stopped after 1003 ms (timeout 1000 ms) with SIGTERM'],
      ['c', false, true, 'not run: the suite stopped when b timed out'],
    ]);
    assert.deepEqual(failedChecks(report).map((c) => c.name), ['b'], 'a step that did not run is not a failure of its own');
  });

  it('stops when cancelled, and says a missing command by name', async () => {
    const abort = new AbortController();
    const fake = new FakeRunner({ nope: { exitCode: null, error: 'command not found: nope' }, pass: {} }, (argv) => {
      if (argv[0] === 'nope') abort.abort();
    });
    const config: HotfixConfigFile = { validate: { s: [{ name: 'a', run: ['nope'] }, { name: 'b', run: ['pass'] }] } };
    const report = await validate(context(fake, { signal: abort.signal }), { config, suite: 's' });
    assert.equal(fake.calls.length, 1);
    assert.deepEqual(report.checks.filter((c) => c.kind === 'suite').map((c) => c.reason), ['command not found: nope', 'not run: the suite was cancelled during a']);
  });
});

describe('validate engine: the config check (fake CommandRunner, no cluster)', () => {
  const none = () => new FakeRunner({ pass: {} });
  const target = { namespace: 'shop', app: 'checkout' };

  it("uses the target's validate: suite by default, and skips the cluster checks without a target", async () => {
    const config: HotfixConfigFile = { validate: { ci: [{ name: 'a', run: ['pass'] }] }, targets: { staging: { ...target, validate: 'ci' } } };
    const withTarget = await validate(context(none()), { config, target: 'staging' });
    assert.equal(withTarget.suite, 'ci');
    const report = await validate(context(none()), { config, suite: 'ci' });
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    assert.equal(report.pass, true);
    for (const name of ['cluster', 'image', 'dry-run']) {
      assert.equal(byName[name]?.skipped, true);
      assert.equal(byName[name]?.reason, 'skipped: no target given');
    }
    assert.equal(byName['config']?.reason, 'suite ci has 1 step(s)');
  });

  it('fails for a missing suite, an unknown target, metric gates without Prometheus and an empty health group', async () => {
    const config: HotfixConfigFile = {
      validate: { ci: [{ name: 'a', run: ['pass'] }] },
      targets: { staging: { ...target, validate: 'smoke', verify: { metrics: [{ name: 'errors', kind: 'error-rate', selector: 'app="checkout"', max: 0.01 }], health: { critical: [] } } } },
    };
    const check = async (request: { target?: string; suite?: string }) => (await validate(context(none()), { config, ...request })).checks.find((c) => c.name === 'config');
    const staging = await check({ target: 'staging', suite: 'ci' });
    assert.equal(staging?.pass, false);
    assert.equal(
      staging?.reason,
      'targets.staging.validate names "smoke", which is not a suite (known suites: ci); targets.staging.verify.metrics needs a Prometheus: set prometheus.url or targets.staging.verify.prometheus; targets.staging.verify.health.critical has no endpoints',
    );
    assert.match((await check({ suite: 'nightly' }))?.reason ?? '', /there is no validation suite "nightly" \(known suites: ci\)/);
    assert.match((await check({ target: 'prod' }))?.reason ?? '', /There is no deploy target "prod"\. Known targets: staging\./);
    const withPrometheus = await validate(context(none()), { config: { ...config, prometheus: { url: 'http://prom:9090' }, targets: { staging: { ...target, verify: { metrics: [{ name: 'e', kind: 'error-rate', max: 1 }] } } } }, target: 'staging', suite: 'ci' });
    assert.equal(withPrometheus.checks.find((c) => c.name === 'config')?.pass, true);
  });
});

/** A fake git: refs to shas, tags, and ancestry as pairs. */
function fakeGit(state: { branch?: string; refs: Record<string, string>; tags?: TagRef[]; ancestors: [string, string][] }): BranchGit {
  return {
    currentBranch: () => Promise.resolve(state.branch),
    resolveCommit: (ref) => Promise.resolve(state.refs[ref]),
    tags: (_ref, names) => Promise.resolve((state.tags ?? []).filter((t) => names === undefined || names.includes(t.name))),
    tagNames: () => Promise.resolve((state.tags ?? []).map((t) => t.name)),
    isAncestor: (a, d) => Promise.resolve(a === d || state.ancestors.some(([x, y]) => x === a && y === d)),
  };
}

const settings: GitSettings = { model: 'gitflow', productionBranch: 'production', mainBranch: 'main', tagPrefix: 'v', remote: 'origin' };
const H = 'h'.repeat(40);
const P = 'p'.repeat(40);
const T = 't'.repeat(40);

describe('validate engine: the branch check (fake git, fake CommandRunner)', () => {
  const branch = async (git: BranchGit) => (await validate(context(new FakeRunner({}), { git: { repo: git, settings } }), { config: {} })).checks.find((c) => c.name === 'branch');

  it('passes a pushed hotfix branch that contains the latest release tag and the production tip', async () => {
    const git = fakeGit({ branch: 'hotfix/PROD-1-fix', refs: { HEAD: H, 'refs/remotes/origin/hotfix/PROD-1-fix': H, 'refs/remotes/origin/production': P, 'origin/production': P }, tags: [{ name: 'v1.2.0', sha: T }], ancestors: [[T, H], [P, H]] });
    const check = await branch(git);
    assert.equal(check?.pass, true, check?.reason);
    assert.equal(check?.reason, 'pushed: origin/hotfix/PROD-1-fix = HEAD hhhhhhhh; contains v1.2.0 (tttttttt); contains origin/production (pppppppp)');
  });

  it('fails an unpushed branch, a remote behind HEAD, and a branch without the production tip', async () => {
    const refs = { HEAD: H, 'refs/remotes/origin/production': P, 'origin/production': P };
    const unpushed = await branch(fakeGit({ branch: 'hotfix/PROD-1', refs, ancestors: [[P, H]] }));
    assert.equal(unpushed?.pass, false);
    assert.match(unpushed?.reason ?? '', /hotfix\/PROD-1 is not pushed \(origin\/hotfix\/PROD-1 does not exist\): git push -u origin hotfix\/PROD-1/);
    const behind = await branch(fakeGit({ branch: 'hotfix/PROD-1', refs: { ...refs, 'refs/remotes/origin/hotfix/PROD-1': T }, ancestors: [[P, H], [T, H]] }));
    assert.match(behind?.reason ?? '', /origin\/hotfix\/PROD-1 is at tttttttt, HEAD at hhhhhhhh \(unpushed commits\)/);
    const stale = await branch(fakeGit({ branch: 'hotfix/PROD-1', refs: { ...refs, 'refs/remotes/origin/hotfix/PROD-1': H }, ancestors: [] }));
    assert.equal(stale?.pass, false);
    assert.match(stale?.reason ?? '', /HEAD does not contain origin\/production \(pppppppp\): merge it into hotfix\/PROD-1/);
  });

  it('skips with a note off a hotfix branch', async () => {
    const check = await branch(fakeGit({ branch: 'develop', refs: { HEAD: H }, ancestors: [] }));
    assert.deepEqual([check?.pass, check?.skipped, check?.reason], [true, true, 'not on a hotfix branch (HEAD is develop): push and baseline not checked']);
  });
});

function deploymentView(image: string, revision: number): DeploymentView {
  return {
    name: 'checkout', namespace: 'shop', uid: 'u', generation: 1, labels: {}, annotations: { 'deployment.kubernetes.io/revision': String(revision) }, replicas: 2, selector: { app: 'checkout' },
    template: {}, templateLabels: { app: 'checkout' }, containers: [{ name: 'app', image }],
    status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: [] },
  };
}

/** A fake Cluster that rejects any call the test did not expect, and any write that is not a dry-run. */
function fakeCluster(methods: Partial<Cluster>): Cluster {
  const identity = { context: 'test', server: 'https://k8s' };
  return new Proxy({ identity, ...methods } as Cluster, {
    get(target, key) {
      if (key in target) return Reflect.get(target, key) as unknown;
      if (key === 'then') return undefined;
      throw new Error(`the fake cluster was not told about ${String(key)}`);
    },
  });
}

function deployContext(cluster: Cluster): DeployContext {
  const target = resolveTarget({ targets: { staging: { namespace: 'shop', app: 'checkout' } } }, 'staging');
  assert.ok(target.ok);
  const store: StateStore = { read: () => Promise.resolve(undefined), write: () => Promise.reject(new Error('no writes')), remove: () => Promise.reject(new Error('no writes')), list: () => Promise.resolve([]) };
  return { cluster, store, audit: { append: () => Promise.reject(new Error('no audit')) }, clock, target: target.value, actor: 'Ada', origin: 'test' };
}

describe('validate engine: cluster checks (fake cluster, fake CommandRunner)', () => {
  const config: HotfixConfigFile = { targets: { staging: { namespace: 'shop', app: 'checkout' } } };
  const replicaSets: ReplicaSetView[] = [
    { name: 'checkout-1', revision: 1, annotations: {}, template: {}, images: ['checkout:1.0'], replicas: 0 },
    { name: 'checkout-2', revision: 2, annotations: {}, template: {}, images: ['checkout:1.1'], replicas: 2 },
  ];
  const writes: unknown[] = [];
  const cluster = (refuse?: string) =>
    fakeCluster({
      namespaceExists: () => Promise.resolve(true),
      getDeployment: () => Promise.resolve(deploymentView('checkout:1.1', 2)),
      replicaSets: () => Promise.resolve(replicaSets),
      setImages: (_ns, _name, change, options) => {
        writes.push({ change: change.images, dryRun: options.dryRun });
        return refuse ? Promise.reject(new ClusterRefusal(refuse, 422)) : Promise.resolve(deploymentView('checkout:1.1', 2));
      },
    });
  const checks = async (c: Cluster, image?: string) => Object.fromEntries((await validate({ runner: new FakeRunner({}), clock, deploy: deployContext(c) }, { config, target: 'staging', ...(image ? { image } : {}) })).checks.map((x) => [x.name, x]));

  it('says an image is new or which revision ran it, and dry-runs the write without writing', async () => {
    writes.length = 0;
    const fresh = await checks(cluster(), 'checkout:1.2');
    assert.equal(fresh['cluster']?.reason, 'context test (https://k8s) answers; namespace shop exists');
    assert.equal(fresh['image']?.reason, 'checkout:1.2 is new to checkout');
    assert.deepEqual([fresh['dry-run']?.pass, fresh['dry-run']?.reason], [true, 'the server accepted a dry-run of every rolling write (checkout container app)']);
    assert.deepEqual(writes, [{ change: { app: 'checkout:1.2' }, dryRun: true }]);
    const old = await checks(cluster(), 'checkout:1.0');
    assert.equal(old['image']?.reason, 'checkout:1.0 was seen before: revision 1 of checkout');
    assert.equal(old['image']?.pass, true);
  });

  it("reports the server's refusal of the dry-run, and skips image checks without an image", async () => {
    const refused = await checks(cluster('admission webhook "policy" denied the request: images must be signed'), 'checkout:1.2');
    assert.equal(refused['dry-run']?.pass, false);
    assert.equal(refused['dry-run']?.reason, 'The server refused a dry-run write: admission webhook "policy" denied the request: images must be signed Nothing was written.');
    const noImage = await checks(cluster());
    assert.deepEqual([noImage['image']?.skipped, noImage['dry-run']?.reason], [true, 'skipped: no image given, and no targets.staging.image to make one']);
  });

  it('fails the cluster check when the kube context cannot be opened or reached', async () => {
    const opened = await validate({ runner: new FakeRunner({}), clock, deploy: { ok: false, reason: 'The kubeconfig has no context "prod".' } }, { config, target: 'staging', image: 'x:1' });
    assert.deepEqual(opened.checks.filter((c) => c.kind === 'builtin').map((c) => [c.name, c.pass, c.skipped ?? false]), [['config', true, false], ['cluster', false, false], ['image', true, true], ['dry-run', true, true]]);
    const down = fakeCluster({ namespaceExists: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443')) });
    const reached = await checks(down, 'x:1');
    assert.equal(reached['cluster']?.reason, 'cannot reach context test (https://k8s): connect ECONNREFUSED 127.0.0.1:6443');
  });
});

describe('validate: saved report, audit and the deploy gate rules (fake CommandRunner)', () => {
  const report = (pass: boolean): ValidationReport => ({
    suite: 'ci', target: 'staging', sha: H, pass, startedAt: NOW.toISOString(), ms: 50,
    checks: [{ name: 'config', kind: 'builtin', pass: true, reason: 'ok' }, { name: 'unit', kind: 'suite', pass, reason: pass ? 'exit 0 in 5 ms' : 'exit 1 in 5 ms' }],
  });

  it('saves only a passing report of a target, and audits every run with each check', async () => {
    const written = new Map<string, unknown>();
    const records: AuditRecord[] = [];
    const ports = { store: { read: () => Promise.resolve(undefined), write: (k: string, v: unknown) => Promise.resolve(void written.set(k, v)), remove: () => Promise.resolve(), list: () => Promise.resolve([]) }, audit: { append: (r: AuditRecord) => Promise.resolve(void records.push(r)) }, clock };
    await recordValidation(ports, 'Ada', report(false));
    assert.equal(written.size, 0);
    await recordValidation(ports, 'Ada', report(true));
    assert.deepEqual(written.get(validationKey('staging')), { version: 1, target: 'staging', suite: 'ci', sha: H, at: NOW.toISOString(), pass: true, checks: [{ name: 'config', pass: true }, { name: 'unit', pass: true }] });
    assert.deepEqual(records.map((r) => [r.action, r.details?.['pass'], r.details?.['suite:unit']]), [['validate.run', false, 'fail'], ['validate.run', true, 'pass']]);
  });

  it('a saved report covers a deploy only for the same suite and commit, under 24 hours old', () => {
    const saved = { version: 1 as const, target: 'staging', suite: 'ci', sha: H, at: '2026-11-27T09:00:00.000Z', pass: true as const, checks: [] };
    assert.equal(savedCovers(saved, { sha: H, suite: 'ci', now: NOW }).ok, true);
    const why = (s: typeof saved | undefined, sha = H, suite = 'ci', now = NOW) => {
      const r = savedCovers(s, { sha, suite, now });
      return r.ok ? 'covers' : r.reason;
    };
    assert.equal(why(undefined), 'no passing validation report is saved');
    assert.equal(why(saved, P), 'the saved report is for commit hhhhhhhh, HEAD is pppppppp');
    assert.equal(why(saved, H, 'smoke'), 'the saved report is of suite ci, not smoke');
    assert.equal(why(saved, H, 'ci', new Date('2026-11-28T09:00:01Z')), 'the saved report is from 2026-11-27T09:00:00.000Z, more than 24 hours ago');
  });

  it('blocks naming the failed steps; an override needs a reason and a SEV0/SEV1 incident', () => {
    assert.match(blocked(report(false)).reason, /^The deploy is blocked: validation suite ci failed: unit \(exit 1 in 5 ms\)\. Nothing was written to the cluster\.$/);
    assert.equal(overrideAllowed({ id: 'INC-1', severity: 'SEV1' }, 'checkout down').ok, true);
    assert.equal(overrideAllowed({ id: 'INC-1', severity: 'SEV0' }, 'checkout down').ok, true);
    const low = overrideAllowed({ id: 'INC-1', severity: 'SEV2' }, 'checkout down');
    assert.equal(low.ok ? '' : low.reason, 'The validation override is refused: INC-1 is SEV2; only a SEV0 or SEV1 incident allows deploying past a failed validation.');
    const none = overrideAllowed(undefined, 'checkout down');
    assert.match(none.ok ? '' : none.reason, /needs a linked SEV0 or SEV1 incident, and none is open/);
    const empty = overrideAllowed({ id: 'INC-1', severity: 'SEV0' }, '  ');
    assert.match(empty.ok ? '' : empty.reason, /needs a reason/);
  });
});

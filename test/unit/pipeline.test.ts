import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/program';
import type { HotfixConfigFile } from '../../src/core/config/types';
import { alertRules, offsetQuery, type RuleFile } from '../../src/core/pipeline/alerts';
import { githubWorkflow } from '../../src/core/pipeline/github';
import { gitlabPipeline } from '../../src/core/pipeline/gitlab';
import { planPipeline, type PipelinePlan } from '../../src/core/pipeline/plan';

const CONFIG: HotfixConfigFile = {
  targets: {
    dev: { namespace: 'dev', app: 'checkout', protected: true },
    staging: { namespace: 'pay-stg', app: 'checkout', verify: { metrics: [{ name: 'error-rate', selector: 'app="checkout"', max: 0.02 }] } },
    production: {
      namespace: 'payments',
      app: 'checkout',
      protected: true,
      validate: 'critical-path',
      verify: {
        metrics: [
          { name: 'error-rate', selector: 'app="checkout"', window: '1m', max: 0.01 },
          { name: 'p95', kind: 'latency', selector: 'app="checkout"', max: 0.5 },
        ],
      },
    },
  },
  validate: { 'critical-path': [{ name: 'unit', run: ['npm', 'test'] }], smoke: [{ name: 'smoke', run: ['true'] }] },
};
const PLAN: PipelinePlan = { staging: 'staging', production: 'production', suite: 'critical-path' };

interface Job {
  'timeout-minutes'?: number;
  permissions?: Record<string, string>;
  environment?: string | { name: string };
  needs?: string;
  steps: { uses?: string; run?: string; with?: Record<string, unknown> }[];
}
interface Workflow {
  on: { push: { branches: string[] } };
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

/** Every `hotfix-deployer <verb> --option…` in the lines, as [verb, options]. */
function calls(lines: readonly string[]): [string, string[]][] {
  return lines.flatMap((line) => [...line.matchAll(/hotfix-deployer ((?:[a-z][a-z-]* ?)+?)((?: --[a-z-]+(?:=\S+)?)*)(?=$| [>|])/gm)].map((m): [string, string[]] => [(m[1] ?? '').trim(), (m[2] ?? '').trim().split(/\s+/).filter(Boolean).map((o) => o.replace(/=.*/, ''))]));
}

/** Each call names a command of buildProgram() and only options that command has. */
function assertCallsExist(lines: readonly string[]): void {
  const program = buildProgram({ out: () => undefined, err: () => undefined });
  const found = calls(lines);
  assert.ok(found.length >= 5, `calls found: ${JSON.stringify(found)}`);
  for (const [verb, options] of found) {
    let command: Command | undefined = program;
    for (const word of verb.split(' ')) command = command?.commands.find((c) => c.name() === word);
    assert.ok(command && command !== program, `hotfix-deployer ${verb} is not a command`);
    const known = command.options.map((o) => o.long);
    for (const option of options) assert.ok(known.includes(option), `hotfix-deployer ${verb} has no ${option}`);
  }
}

describe('pipeline: ci generate and alerts generate (src/core/pipeline)', () => {
  describe('planPipeline', () => {
    it('decides staging, production and the suite from the config, or takes them from the command line', () => {
      const { dev: _dev, ...targets } = CONFIG.targets ?? {};
      const config: HotfixConfigFile = { ...CONFIG, targets };
      assert.deepEqual(planPipeline(config), { ok: true, value: PLAN });
      assert.deepEqual(planPipeline(CONFIG, { production: 'production', suite: 'smoke' }), { ok: true, value: { staging: 'staging', production: 'production', suite: 'smoke' } });
    });

    it('refuses clearly when it cannot be decided', () => {
      const several = planPipeline(CONFIG);
      assert.ok(!several.ok && /Several protected targets.*dev, production/.test(several.reason) && /--production/.test(several.hint ?? ''));
      const none = planPipeline({ targets: { staging: { namespace: 'a', app: 'b' } } });
      assert.ok(!none.ok && /No protected target/.test(none.reason));
      const noSuite = planPipeline({ targets: { staging: { namespace: 'a', app: 'b' }, production: { namespace: 'a', app: 'b' } } });
      assert.ok(!noSuite.ok && /no validate:/.test(noSuite.reason) && /--suite/.test(noSuite.hint ?? ''));
      const unknown = planPipeline(CONFIG, { production: 'production', staging: 'qa' });
      assert.ok(!unknown.ok && /no deploy target "qa"/.test(unknown.reason));
      const hostile = planPipeline(CONFIG, { production: 'production', suite: 'x; curl evil' });
      assert.ok(!hostile.ok && /not a suite name/.test(hostile.reason));
      const missingSuite = planPipeline(CONFIG, { production: 'production', suite: 'nightly' });
      assert.ok(!missingSuite.ok && /no validation suite "nightly"/.test(missingSuite.reason));
      const same = planPipeline(CONFIG, { production: 'production', staging: 'production' });
      assert.ok(!same.ok && /same target/.test(same.reason));
    });
  });

  describe('GitHub Actions workflow', () => {
    const text = githubWorkflow(PLAN);
    const workflow = parse(text) as Workflow;
    const jobs = Object.values(workflow.jobs);

    it('runs on hotfix/** with least privilege, one pipeline per ref, a timeout per job', () => {
      assert.deepEqual(workflow.on.push.branches, ['hotfix/**']);
      assert.deepEqual(workflow.permissions, { contents: 'read' });
      assert.match(workflow.concurrency.group, /\$\{\{ github\.ref \}\}/);
      assert.equal(workflow.concurrency['cancel-in-progress'], false);
      assert.deepEqual(Object.keys(workflow.jobs), ['validate', 'staging', 'production']);
      for (const job of jobs) {
        assert.ok(typeof job['timeout-minutes'] === 'number' && job['timeout-minutes'] > 0);
        assert.deepEqual(job.permissions, { contents: 'read' });
      }
      assert.equal(workflow.jobs.production?.environment, 'production');
      assert.equal(workflow.jobs.production?.needs, 'staging');
      assert.equal(workflow.jobs.staging?.needs, 'validate');
    });

    it('pins every action to a full commit SHA with its release in a comment', () => {
      const uses = jobs.flatMap((job) => job.steps.flatMap((step) => (step.uses ? [step.uses] : [])));
      assert.ok(uses.length >= 7);
      for (const ref of uses) {
        assert.match(ref, /^[\w-]+\/[\w-]+@[0-9a-f]{40}$/, ref);
        assert.doesNotMatch(ref, /@(main|master|v\d+)$/);
      }
      for (const line of text.split('\n').filter((l) => l.includes('uses:'))) assert.match(line, /@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, line);
      const checkout = jobs[0]?.steps[0];
      assert.equal(checkout?.with?.['fetch-depth'], 0);
      assert.equal(checkout?.with?.['fetch-tags'], true);
    });

    it('calls only verbs and options this CLI has, in the order of a hotfix pipeline', () => {
      const runs = jobs.flatMap((job) => job.steps.flatMap((step) => (step.run ? [step.run] : [])));
      assertCallsExist(runs);
      const production = (workflow.jobs.production?.steps ?? []).flatMap((s) => (s.run ? [s.run] : []));
      const backup = production.findIndex((r) => /targets --json > targets-before\.json/.test(r));
      const deploy = production.findIndex((r) => /deploy --target=production --yes/.test(r));
      const verify = production.findIndex((r) => /verify --target=production --duration=5m --auto-rollback --yes/.test(r));
      assert.ok(backup >= 0 && backup < deploy && deploy < verify, production.join('\n'));
      assert.ok(runs.some((r) => r.includes('validate --environment=staging --test-suite=critical-path --json')));
      assert.ok(runs.some((r) => r.includes('verify --target=staging --duration=2m --auto-rollback --yes')));
      assert.match(text, /umask 077/);
      assert.match(text, /HOTFIX_SLACK_WEBHOOK_URL: \$\{\{ secrets\.HOTFIX_SLACK_WEBHOOK_URL \}\}/);
      assert.doesNotMatch(text, /run: .*\$\{\{ secrets\./, 'secrets reach scripts as environment variables, never pasted in');
    });
  });

  describe('GitLab CI pipeline', () => {
    const pipeline = parse(gitlabPipeline(PLAN)) as Record<string, { stage?: string; when?: string; environment?: { name: string }; script?: string[]; timeout?: string }> & { stages: string[] };

    it('has the same stages, a manual production job in its environment, timeouts, and real verbs', () => {
      assert.deepEqual(pipeline.stages, ['validate', 'staging', 'production']);
      const production = pipeline['deploy-production'];
      assert.equal(production?.when, 'manual');
      assert.equal(production?.environment?.name, 'production');
      for (const name of ['validate', 'deploy-staging', 'deploy-production']) assert.match(pipeline[name]?.timeout ?? '', /^\d+m$/);
      assertCallsExist(['validate', 'deploy-staging', 'deploy-production'].flatMap((name) => pipeline[name]?.script ?? []));
    });
  });

  describe('alerting rules', () => {
    it("alerts on each gate's query above its max and on a regression against an hour earlier, per target", () => {
      const rules = alertRules(CONFIG);
      assert.ok(rules.ok);
      const file: RuleFile = rules.value;
      assert.deepEqual(file.groups.map((g) => g.name), ['hotfix-deployer-staging', 'hotfix-deployer-production']);
      const production = file.groups[1]?.rules ?? [];
      assert.deepEqual(production.map((r) => r.alert), ['HotfixErrorRateHigh', 'HotfixRegressionAfterDeploy', 'HotfixLatencyHigh', 'HotfixRegressionAfterDeploy']);
      const errorRate = 'sum(rate(http_requests_total{app="checkout",code=~"5.."}[1m])) / sum(rate(http_requests_total{app="checkout"}[1m]))';
      assert.equal(production[0]?.expr, `(${errorRate}) > 0.01`);
      assert.equal(production[1]?.expr, `(${errorRate}) > 1.5 * (${offsetQuery(errorRate)}) and (${errorRate}) > 0.005`);
      assert.match(production[2]?.expr ?? '', /^\(histogram_quantile\(0\.95, .*\) > 0\.5$/);
      for (const rule of production) {
        assert.equal(rule.labels.target, 'production');
        assert.equal(rule.labels.namespace, 'payments');
        assert.ok(rule.labels.severity && rule.for && rule.annotations.summary && rule.annotations.description);
        assert.doesNotMatch(rule.expr, /track/);
      }
      assert.equal(file.groups[0]?.rules[0]?.labels.severity, 'warning', 'an unprotected target does not page');
    });

    it('offsets every range selector, and refuses a config without gates', () => {
      assert.equal(offsetQuery('rate(a{x="1"}[5m]) / rate(b[30s])'), 'rate(a{x="1"}[5m] offset 1h) / rate(b[30s] offset 1h)');
      const none = alertRules({ targets: { staging: { namespace: 'a', app: 'b' } } });
      assert.ok(!none.ok && /metric gates/.test(none.reason));
    });
  });
});

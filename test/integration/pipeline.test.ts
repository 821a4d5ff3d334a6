import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { promtool } from './fixtures/promtool';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

/** staging (unprotected) and production (protected, with a suite) with error-rate and latency gates. */
const CONFIG = {
  targets: {
    staging: { namespace: 'pay-stg', app: 'checkout', verify: { metrics: [{ name: 'error-rate', selector: 'app="checkout",env="staging"', max: 0.02 }] } },
    production: {
      namespace: 'payments',
      app: 'checkout',
      strategy: 'canary',
      validate: 'critical-path',
      verify: {
        metrics: [
          { name: 'error-rate', selector: 'app="checkout"', window: '2m', max: 0.01 },
          { name: 'p95', kind: 'latency', selector: 'app="checkout"', max: 0.5 },
        ],
      },
    },
  },
  validate: { 'critical-path': [{ name: 'unit', run: ['node', '-e', '0'] }] },
};

describe('pipeline: CLI twin ci generate and alerts generate (built dist/cli.js, real git, promtool)', function () {
  this.timeout(300_000); // a first run may install Debian's prometheus package for promtool
  let repo: Repo;
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.work, encoding: 'utf8' });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };
  beforeEach(() => {
    repo = gitflowRepo();
    mkdirSync(path.join(repo.work, '.hotfix'), { recursive: true });
    // YAML reads JSON: written as JSON so the test needs no YAML quoting.
    writeFileSync(path.join(repo.work, '.hotfix', 'config.yaml'), JSON.stringify(CONFIG, null, 2));
  });
  afterEach(() => repo.dispose());

  it('writes the GitHub workflow and the GitLab pipeline from the config, and refuses to overwrite without --force', () => {
    const github = cli('ci', 'generate', '--provider=github-actions', '--json');
    assert.equal(github.code, 0, github.err + github.out);
    const result = JSON.parse(github.out) as { ok: boolean; file: string; staging: string; production: string; suite: string };
    assert.deepEqual([result.ok, result.staging, result.production, result.suite], [true, 'staging', 'production', 'critical-path']);
    const file = path.join(repo.work, '.github', 'workflows', 'hotfix.yml');
    assert.equal(result.file, file);
    const workflow = parse(readFileSync(file, 'utf8')) as { on: { push: { branches: string[] } }; jobs: { production: { environment: string } } };
    assert.deepEqual(workflow.on.push.branches, ['hotfix/**']);
    assert.equal(workflow.jobs.production.environment, 'production');

    writeFileSync(file, '# kept\n');
    const again = cli('ci', 'generate', '--provider=github-actions', '--json');
    assert.equal(again.code, 2, again.out);
    const refused = JSON.parse(again.out) as { ok: boolean; reason: string; hint: string };
    assert.equal(refused.ok, false);
    assert.match(refused.reason, /exists; it was left as it is/);
    assert.match(refused.hint, /--force/);
    assert.equal(readFileSync(file, 'utf8'), '# kept\n');
    assert.equal(cli('ci', 'generate', '--provider=github-actions', '--force').code, 0);
    assert.notEqual(readFileSync(file, 'utf8'), '# kept\n');

    const gitlab = cli('ci', 'generate', '--provider=gitlab');
    assert.equal(gitlab.code, 0, gitlab.err);
    assert.match(gitlab.out, /Wrote the gitlab pipeline .* to .*\.gitlab-ci\.yml/);
    const pipeline = parse(readFileSync(path.join(repo.work, '.gitlab-ci.yml'), 'utf8')) as { 'deploy-production': { when: string } };
    assert.equal(pipeline['deploy-production'].when, 'manual');

    const printed = cli('ci', 'generate', '--provider=gitlab', '--output=-', '--staging=staging', '--suite=critical-path');
    assert.equal(printed.code, 0, printed.err);
    assert.match(printed.out, /^stages:\n {2}- validate\n {2}- staging\n {2}- production$/m);
  });

  it('refuses what it cannot decide or does not know, with exit code 2', () => {
    const provider = cli('ci', 'generate', '--provider=jenkins', '--json');
    assert.equal(provider.code, 2);
    assert.match((JSON.parse(provider.out) as { hint: string }).hint, /github-actions, gitlab/);
    const target = cli('ci', 'generate', '--provider=gitlab', '--staging=qa');
    assert.equal(target.code, 2);
    assert.match(target.err, /no deploy target "qa"[\s\S]*Known targets: staging, production/);
  });

  it('writes alerting rules that promtool accepts, one group per target', () => {
    const tool = promtool();
    const made = cli('alerts', 'generate', '--json');
    assert.equal(made.code, 0, made.err + made.out);
    const result = JSON.parse(made.out) as { file: string; rules: number; targets: string[] };
    assert.deepEqual(result.targets, ['staging', 'production']);
    assert.equal(result.rules, 6);
    const check = spawnSync(tool, ['check', 'rules', result.file], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}\n${check.stderr}`);
    assert.match(check.stdout, /SUCCESS: 6 rules found/);
    const rules = parse(readFileSync(result.file, 'utf8')) as { groups: { name: string; rules: { expr: string; labels: Record<string, string> }[] }[] };
    assert.ok(rules.groups[1]?.rules.some((r) => r.expr.includes('[2m] offset 1h') && r.labels.namespace === 'payments'));

    const again = cli('alerts', 'generate');
    assert.equal(again.code, 2);
    assert.match(again.err, /exists; it was left as it is[\s\S]*--force/);
    const other = path.join(repo.work, 'rules', 'hotfix.yml');
    assert.equal(cli('alerts', 'generate', `--output=${other}`).code, 0);
    assert.equal(spawnSync(tool, ['check', 'rules', other], { encoding: 'utf8' }).status, 0);
  });
});

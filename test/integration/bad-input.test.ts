// Bad input, refused before anything is touched: every verb that names a target exits 2 on an unknown
// one, naming the known targets, without contacting the cluster (the kubeconfig's exec plugin would
// leave a marker file); a broken config exits 2 for every verb that reads it; hostile image references
// never reach a cluster; `--json` prints exactly one document whatever fails. Built dist/cli.js, real git.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Ran {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

function cli(repo: Repo, ...args: string[]): Ran {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.work, encoding: 'utf8', env: { ...process.env, HOME: repo.dir, KUBECONFIG: path.join(repo.dir, 'kubeconfig') } });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** A kubeconfig whose exec plugin leaves a marker: any request to the cluster would run it. */
function markerKubeconfig(repo: Repo): string {
  const marker = path.join(repo.dir, 'contacted');
  const file = path.join(repo.dir, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: prod',
      'clusters: [{ name: prod, cluster: { server: "https://127.0.0.1:9" } }]',
      'contexts: [{ name: prod, context: { cluster: prod, user: prod } }]',
      'users:',
      '  - name: prod',
      '    user:',
      '      exec:',
      '        apiVersion: client.authentication.k8s.io/v1beta1',
      '        command: /bin/sh',
      `        args: ["-c", "touch ${marker}; echo '{\\"apiVersion\\":\\"client.authentication.k8s.io/v1beta1\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"x\\"}}'"]`,
      '',
    ].join('\n'),
  );
  return marker;
}

const CONFIG = [
  'targets:',
  '  staging: { namespace: shop, app: web, strategy: rolling, image: "registry.example/web:{version}" }',
  '  production: { namespace: shop, app: web, strategy: blue-green }',
  'validate:',
  '  critical-path:',
  '    - { name: unit, run: [node, --version] }',
  '',
].join('\n');

/** Every verb that names a target or suite, with an unknown one. */
const UNKNOWN_TARGET: readonly (readonly string[])[] = [
  ['deploy', '--target=nope', '--image=registry.example/web:1.0.0', '--yes'],
  ['rollback', '--target=nope', '--yes'],
  ['retire', '--target=nope', '--yes'],
  ['running', '--target=nope'],
  ['create', '--issue=PROD-1', '--title=t', '--from=running', '--target=nope'],
  ['gitops', 'status', '--target=nope'],
  ['gitops', 'pause', '--target=nope', '--yes'],
  ['gitops', 'restore', '--target=nope', '--yes'],
  ['gitops', 'prepare', '--target=nope'],
  ['validate', '--environment=nope'],
  ['validate', '--target=nope'],
  ['verify', '--target=nope', '--duration=1s'],
  ['ci', 'generate', '--provider=github-actions', '--production=nope', '--output=-'],
];

describe('bad input exits 2 before anything is touched (built dist/cli.js, real git)', function () {
  this.timeout(120_000);
  let repo: Repo;
  let marker: string;
  beforeEach(() => {
    repo = gitflowRepo();
    mkdirSync(path.join(repo.work, '.hotfix'), { recursive: true });
    repo.write('.hotfix/config.yaml', CONFIG);
    marker = markerKubeconfig(repo);
  });
  afterEach(() => repo.dispose());

  it('an unknown target in every verb: exit 2 naming the known targets, no cluster contact, one JSON document', () => {
    for (const args of UNKNOWN_TARGET) {
      const human = cli(repo, ...args);
      assert.equal(human.code, 2, `${args.join(' ')}: ${human.err}`);
      assert.match(human.err, /nope/, args.join(' '));
      assert.match(human.err, /production, staging|staging, production/, `${args.join(' ')} names the known targets: ${human.err}`);
      assert.doesNotMatch(human.err, /\n\s+at /, `${args.join(' ')}: no stack trace`);
      const json = cli(repo, ...args, '--json');
      assert.equal(json.code, 2, `${args.join(' ')} --json`);
      const doc = JSON.parse(json.out) as { ok: boolean; reason: string };
      assert.equal(doc.ok, false);
    }
    assert.equal(existsSync(marker), false, 'no verb contacted the cluster');
    assert.equal(cli(repo, 'validate', '--test-suite=nightly').code, 2);
    assert.match(cli(repo, 'validate', '--test-suite=nightly').err, /Known suites: critical-path/);
  });

  it('a broken config exits 2 for every verb that reads it, naming the file and line', () => {
    repo.write('.hotfix/config.yaml', 'targets:\n  staging: { namespace: shop, app: web, strategy: sideways }\n');
    const verbs: (readonly string[])[] = [
      ...UNKNOWN_TARGET.filter((a) => a[0] !== 'ci').map((a) => a.map((x) => x.replace('nope', 'staging'))),
      ['targets'],
      ['create', '--issue=PROD-1', '--title=t'],
      ['status'],
      ['incident', 'list'],
      ['incident', 'create', '--severity=sev2', '--title=t', '--impact=low'],
      ['ci', 'generate', '--provider=github-actions', '--output=-'],
      ['alerts', 'generate', '--output=-'],
    ];
    const before = repo.refs();
    for (const args of verbs) {
      const ran = cli(repo, ...args);
      assert.equal(ran.code, 2, `${args.join(' ')}: ${ran.err}${ran.out}`);
      assert.match(ran.err, /\.hotfix\/config\.yaml:2/, `${args.join(' ')} names the file and line: ${ran.err}`);
    }
    assert.equal(repo.refs(), before, 'no branch or tag was made');
    assert.equal(existsSync(path.join(repo.work, '.git', 'hotfix', 'incidents')) && cli(repo, 'incident', 'list', '--all').out.includes('INC-'), false);
    assert.equal(existsSync(marker), false);
  });

  it('hostile image references are refused by the one parser, before the cluster, from the flag and from the template', () => {
    for (const image of ['web:1.2;touch${IFS}pwned', 'web:1.2`id`|cat&', 'WEB::;&', 'web:1.2 --privileged', 'Web/App:1', 'web@sha256:zz', 'web:']) {
      const ran = cli(repo, 'deploy', '--target=staging', `--image=${image}`, '--json');
      assert.equal(ran.code, 2, `${image}: ${ran.out}`);
      const doc = JSON.parse(ran.out) as { ok: boolean; reason: string; hint: string };
      assert.match(doc.reason, /is not an image reference/, image);
      assert.match(doc.hint, /registry\.example\/team\/checkout:1\.4\.2/);
    }
    // A template that fills in to something that is no image reference.
    repo.write('.hotfix/config.yaml', CONFIG.replace('registry.example/web:{version}', 'registry.example/web:{version};reboot'));
    const templated = cli(repo, 'deploy', '--target=staging');
    assert.equal(templated.code, 2, templated.err);
    assert.match(templated.err, /targets\.staging\.image .* is not an image reference: ";" cannot appear/);
    assert.equal(existsSync(marker), false, 'nothing reached the cluster');
    // The validate verb takes --image too.
    assert.equal(cli(repo, 'validate', '--environment=staging', '--image=web:1;x').code, 2);
  });

  it('--json prints exactly one document whatever fails: a file as --repo, a directory as an incident, a parser error, a long key', () => {
    const file = path.join(repo.dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const asFile = cli(repo, 'status', `--repo=${file}`, '--json');
    assert.equal(asFile.code, 2);
    assert.match((JSON.parse(asFile.out) as { reason: string }).reason, /is a file, not a folder/);

    const incidents = path.join(repo.work, '.git', 'hotfix', 'incidents');
    mkdirSync(path.join(incidents, 'INC-20261205-AAAA.json'), { recursive: true });
    const dirAsIncident = cli(repo, 'incident', 'show', '--id=INC-20261205-AAAA', '--json');
    assert.notEqual(dirAsIncident.code, 0);
    const shown = JSON.parse(dirAsIncident.out) as { ok: boolean; reason: string };
    assert.equal(shown.ok, false);
    assert.doesNotMatch(dirAsIncident.out + dirAsIncident.err, /\n\s+at /);

    const parser = cli(repo, 'deploy', '--target=staging', '--no-such-flag', '--json');
    assert.equal(parser.code, 2);
    assert.match((JSON.parse(parser.out) as { reason: string }).reason, /unknown option '--no-such-flag'/);

    const longKey = cli(repo, 'create', `--issue=${'9'.repeat(300)}`, '--title=t', '--json');
    assert.equal(longKey.code, 2);
    assert.match((JSON.parse(longKey.out) as { reason: string }).reason, /300 characters long; the limit is 64/);
  });

  it('a bare repository is said to be bare, with what to do', () => {
    const ran = spawnSync(process.execPath, [CLI, 'status', `--repo=${repo.remote}`], { encoding: 'utf8' });
    assert.equal(ran.status, 2);
    assert.match(ran.stderr, /is a bare repository[\s\S]*git clone/);
  });
});

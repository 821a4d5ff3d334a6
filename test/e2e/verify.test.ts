// Validate…, Verify… and the Deploy… validation gate in a real extension host: real `node -e` steps,
// real HTTP health endpoints on 127.0.0.1 started here, the real control plane. The targets and the
// suite are added to the workspace's config for this file and taken out again after it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse, stringify } from 'yaml';
import type { DeployNode } from '../../src/extension/views/deploy-tree';
import type { ValidateResult, VerifyResult } from '../../src/extension/verify/commands';
import { extension } from './manifest';

function workspace(): string {
  const dir = process.env['HOTFIX_TEST_WORKSPACE'];
  assert.ok(dir, 'the launcher names the workspace repository');
  return dir;
}

/** A health endpoint: `flapping` answers 200 and 503 in turn, `down` always 503. */
async function endpoint(kind: 'flapping' | 'down'): Promise<{ server: Server; url: string }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(kind === 'flapping' && hits % 2 === 1 ? 200 : 503).end(kind);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz` };
}

const node = (script: string) => [process.execPath, '-e', script];
type Outcome = { ok: boolean; reason?: string; value?: { incident?: { id: string } | string } };
const run = <T = Outcome>(command: string, args: object) => vscode.commands.executeCommand<T>(command, args);

const auditRecords = () =>
  readFileSync(path.join(workspace(), '.git', 'hotfix', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; details?: Record<string, unknown> });

/** The live rows of a target in the Deployments view: `checkout | checkout:1.4.0 · rev 1 · 3/3 available`. */
async function rows(target: string): Promise<string[]> {
  const items = (parent?: DeployNode) => extension().exports.deploymentTreeItems(parent);
  const node = (await items()).find((n) => n.label === target);
  assert.ok(node, `${target} is listed`);
  return (await items(node)).map((n) => `${typeof n.label === 'string' ? n.label : ''} | ${String(n.description)}`);
}

describe('extension host: Validate…, Verify… and the validation gate of Deploy…', function () {
  this.timeout(90_000);
  const servers: Server[] = [];
  const configFile = () => path.join(workspace(), '.hotfix', 'config.yaml');
  let original = '';

  before(async function () {
    if (process.env['HOTFIX_TEST_CLUSTER'] !== '1') {
      throw new Error('no test cluster: the launcher starts one unless HOTFIX_HOST_CLUSTER=0');
    }
    await extension().activate();
    const flapping = await endpoint('flapping');
    const down = await endpoint('down');
    servers.push(flapping.server, down.server);
    original = readFileSync(configFile(), 'utf8');
    const config = parse(original) as { targets: Record<string, unknown>; validate?: Record<string, unknown> };
    config.validate = {
      checks: [
        { name: 'unit', run: node('console.log("12 passing")') },
        { name: 'lint', run: node('console.log("2 problems: no-unused-vars"); process.exit(1)') },
      ],
    };
    // Both deploy the same Deployment as staging; `gated` validates first, `probed` is watched.
    config.targets['gated'] = { namespace: 'shop', app: 'checkout', validate: 'checks' };
    config.targets['probed'] = {
      namespace: 'shop',
      app: 'checkout',
      verify: { interval: '100ms', health: { flapping: [{ name: 'flapping', url: flapping.url, failureThreshold: 3, timeout: '2s' }], down: [{ name: 'down', url: down.url, failureThreshold: 3, timeout: '2s' }] } },
    };
    // A canary over `web` whose steps shrink to one in a SEV0/SEV1 incident, judged by the flapping endpoint.
    config.targets['web-fast'] = {
      namespace: 'shop',
      app: 'web',
      strategy: 'canary',
      canary: { steps: [50, 100], pause: '30s' },
      verify: { interval: '100ms', health: { flapping: [{ name: 'flapping', url: flapping.url, failureThreshold: 3, timeout: '2s' }] }, emergency: { steps: [100], pause: '1s' } },
    };
    writeFileSync(configFile(), stringify(config));
  });

  after(() => {
    if (original !== '') writeFileSync(configFile(), original);
    for (const server of servers) server.close();
  });

  it('Validate… runs the suite and reports the failing step by name; the passing one passes', async () => {
    const result = await run<ValidateResult>('hotfixDeployer.validate', { target: 'gated', image: 'checkout:1.6.0' });
    assert.equal(result.ok, false, JSON.stringify(result));
    const steps = Object.fromEntries((result.report?.checks ?? []).filter((c) => c.kind === 'suite').map((c) => [c.name, c]));
    assert.equal(steps['unit']?.pass, true, JSON.stringify(steps['unit']));
    assert.equal(steps['lint']?.pass, false);
    assert.match(steps['lint']?.reason ?? '', /^exit 1 in \d+ ms$/);
    assert.match(steps['lint']?.output ?? '', /2 problems: no-unused-vars/);
    assert.match(result.reason ?? '', /^Validation failed: suite checks for gated at [0-9a-f]{8}: .*step lint \(exit 1 in \d+ ms\)/);
    assert.doesNotMatch(result.reason ?? '', /step unit/);
    const last = auditRecords().filter((r) => r.action === 'validate.run').at(-1);
    assert.deepEqual([last?.details?.['suite:unit'], last?.details?.['suite:lint']], ['pass', 'fail']);
  });

  it('Verify… of a flapping endpoint passes: fewer failures in a row than the threshold', async () => {
    const result = await run<VerifyResult>('hotfixDeployer.verify', { target: 'probed', groups: ['flapping'], durationMs: 1500, intervalMs: 100, autoRollback: false });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.outcome?.kind, 'verified');
    const report = result.outcome && 'report' in result.outcome ? result.outcome.report : undefined;
    assert.ok((report?.rounds ?? 0) >= 3, JSON.stringify(report));
    assert.match(report?.reason ?? '', /rounds? over \d+s passed/);
  });

  it('Verify… of a down endpoint fails with the failed probes in a row, and does not roll back when watching only', async () => {
    const before = (await rows('probed'))[0];
    const result = await run<VerifyResult>('hotfixDeployer.verify', { target: 'probed', groups: ['down'], durationMs: 10_000, intervalMs: 100, autoRollback: false });
    assert.equal(result.ok, false, JSON.stringify(result));
    assert.equal(result.outcome?.kind, 'failed');
    const outcome = result.outcome?.kind === 'failed' ? result.outcome : undefined;
    assert.match(outcome?.report.reason ?? '', /down: 3 failed probes in a row \(threshold 3\); last: .*503/);
    assert.equal(outcome?.rolledBack, undefined);
    assert.match(result.reason ?? '', /^Verification of probed failed: .*3 failed probes in a row/);
    assert.equal((await rows('probed'))[0], before, 'nothing was rolled back');
  });

  it('Deploy… to a target whose suite fails is blocked: the failed step named, the image unchanged, no deploy state', async () => {
    const before = (await rows('gated'))[0] ?? '';
    const result = await run('hotfixDeployer.deploy', { target: 'gated', image: 'checkout:1.7.0', confirmed: true });
    assert.equal(result.ok, false, JSON.stringify(result));
    assert.match(result.reason ?? '', /^The deploy is blocked: validation suite checks failed: .*lint \(exit 1 in \d+ ms\).*Nothing was written to the cluster\.$/);
    assert.equal((await rows('gated'))[0], before);
    assert.doesNotMatch(before, /checkout:1\.7\.0/);
    assert.equal(existsSync(path.join(workspace(), '.git', 'hotfix', 'deploys', 'gated.json')), false);
  });

  it('the override is refused without a SEV0/SEV1 incident and accepted with one: deployed, and in the timeline', async () => {
    const refused = await run('hotfixDeployer.deploy', { target: 'gated', image: 'checkout:1.7.0', confirmed: true, overrideValidation: 'checkout is down' });
    assert.equal(refused.ok, false, JSON.stringify(refused));
    assert.match(refused.reason ?? '', /The validation override is refused: it needs a linked SEV0 or SEV1 incident/);

    const declared = await run('hotfixDeployer.declareIncident', { severity: 'sev1', title: 'Checkout lint broke the build', impact: 'high' });
    assert.equal(declared.ok, true, JSON.stringify(declared));
    const incident = declared.value?.incident;
    const id = typeof incident === 'string' ? incident : (incident?.id ?? '');
    try {
      const deployed = await run('hotfixDeployer.deploy', { target: 'gated', image: 'checkout:1.7.0', confirmed: true, overrideValidation: 'checkout is down, the fix is one line' });
      assert.equal(deployed.ok, true, JSON.stringify(deployed));
      assert.match((await rows('gated'))[0] ?? '', /^checkout \| checkout:1\.7\.0 · /);
      const timeline = JSON.parse(readFileSync(path.join(workspace(), '.git', 'hotfix', 'incidents', `${id}.json`), 'utf8')) as { events: { type: string }[] };
      const types = timeline.events.map((e) => e.type);
      const order = ['validated', 'validation-overridden', 'deploy-started', 'deploy-succeeded'].map((t) => types.indexOf(t));
      assert.ok(order.every((i, n) => i >= 0 && (n === 0 || i > (order[n - 1] ?? -1))), types.join(', '));
    } finally {
      await run('hotfixDeployer.resolveIncident', { id, rootCause: 'lint rule', actionItems: 'fix lint' });
    }
  });

  it('a canary deploy in a SEV1 incident takes the emergency steps and puts each gate verdict in the timeline, in order', async () => {
    const declared = await run('hotfixDeployer.declareIncident', { severity: 'sev1', title: 'Web checkout errors', impact: 'high' });
    assert.equal(declared.ok, true, JSON.stringify(declared));
    const incident = declared.value?.incident;
    const id = typeof incident === 'string' ? incident : (incident?.id ?? '');
    try {
      const deployed = await run('hotfixDeployer.deploy', { target: 'web-fast', image: 'web:2.2', confirmed: true });
      assert.equal(deployed.ok, true, JSON.stringify(deployed));
      const file = JSON.parse(readFileSync(path.join(workspace(), '.git', 'hotfix', 'incidents', `${id}.json`), 'utf8')) as { events: ({ type: string } & Record<string, unknown>)[] };
      const story = file.events.filter((e) => ['deploy-started', 'gate-verdict', 'deploy-succeeded'].includes(e.type));
      assert.deepEqual(story.map((e) => e.type), ['deploy-started', 'gate-verdict', 'deploy-succeeded'], JSON.stringify(story));
      const verdict: Record<string, unknown> = story[1] ?? {};
      assert.deepEqual([verdict['target'], verdict['pass'], verdict['step']], ['web-fast', true, 'step 1 of 1 (100%)']);
      assert.match(String(verdict['reason']), /flapping/);
      assert.ok(Array.isArray(verdict['measurements']) && verdict['measurements'].length > 0, JSON.stringify(verdict));
      const emergency = auditRecords().filter((r) => r.action === 'deploy.emergency').at(-1);
      assert.deepEqual([emergency?.details?.['incident'], emergency?.details?.['steps']], [id, '100']);
    } finally {
      await run('hotfixDeployer.resolveIncident', { id, rootCause: 'bad release', actionItems: 'canary longer' });
    }
  });
});

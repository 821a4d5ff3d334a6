// Deploy notifications end to end: the built CLI deploys and rolls back on the test cluster, linked to
// an open incident, and real HTTP receivers on 127.0.0.1 get the deploy messages without --broadcast
// (Slack Block Kit, the webhook, a PagerDuty change event; nothing on Statuspage). A receiver that
// answers 500 is retried, reported as a warning and audited, and the deploy still exits 0.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { gitflowRepo, type Repo } from './fixtures/repos';
import { runNode } from './fixtures/process';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Hit { url: string; body: Record<string, unknown> }

async function receiver(status: number): Promise<{ base: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      hits.push({ url: req.url ?? '', body: JSON.parse(text || '{}') as Record<string, unknown> });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status < 300 ? '{"ok":true}' : '{"error":"down"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

const header = (hit: Hit | undefined): string => ((hit?.body.blocks as { type: string; text?: { text: string } }[] | undefined) ?? []).find((b) => b.type === 'header')?.text?.text ?? '';

describe('deploy notifications: a CLI deploy linked to an incident reaches real receivers (dist/cli.js, real control plane)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let repo: Repo;
  let ns: string;
  const servers: Server[] = [];
  const serve = async (status: number) => {
    const r = await receiver(status);
    servers.push(r.server);
    return r;
  };
  const cli = (env: Record<string, string>, ...args: string[]) => runNode([CLI, ...args], { cwd: repo.work, env });
  const kube = () => `--kubeconfig=${cluster.kubeconfig}`;

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
    ns = await cluster.namespace('notify');
    await k.deployment(ns, 'checkout', 'checkout:1.4.0', { app: 'checkout' }, 2);
    repo = gitflowRepo();
    mkdirSync(path.join(repo.work, '.hotfix'));
    writeFileSync(
      path.join(repo.work, '.hotfix', 'config.yaml'),
      `targets:\n  staging:\n    namespace: ${ns}\n    app: checkout\n` +
        'notifications:\n  slack: {}\n  webhook: {}\n  pagerduty: { source: checkout }\n  statuspage: { pageId: pg1 }\n',
    );
  });
  after(() => {
    for (const s of servers.splice(0)) s.close();
    k?.dispose();
    repo?.dispose();
  });

  it('deploy and rollback send deploy-succeeded and rolled-back to Slack, the webhook and PagerDuty (change events), without --broadcast; not to Statuspage', async () => {
    const slack = await serve(200);
    const hook = await serve(200);
    const pd = await serve(202);
    const sp = await serve(201);
    const env = {
      HOTFIX_SLACK_WEBHOOK_URL: `${slack.base}/services/T0/B0/SLACKSECRET`,
      HOTFIX_WEBHOOK_URL: `${hook.base}/hook/HOOKSECRET`,
      HOTFIX_PAGERDUTY_ROUTING_KEY: 'PDROUTINGKEY0123456789abcdef0123',
      HOTFIX_PAGERDUTY_API_BASE: pd.base,
      HOTFIX_STATUSPAGE_API_KEY: 'SPAPIKEYSECRET',
      HOTFIX_STATUSPAGE_API_BASE: sp.base,
    };
    const declared = await cli(env, 'incident', 'create', '--severity=sev1', '--title=Checkout errors', '--impact=high', '--json');
    assert.equal(declared.code, 0, declared.err + declared.out);
    const id = (JSON.parse(declared.out) as { incident: { id: string } }).incident.id;
    assert.equal(slack.hits.length + hook.hits.length + pd.hits.length + sp.hits.length, 0, 'declared without --broadcast: nothing sent');

    const deployed = await cli(env, 'deploy', '--target=staging', '--image=checkout:1.4.1', kube());
    assert.equal(deployed.code, 0, deployed.err + deployed.out);
    assert.match(deployed.out, new RegExp(`recorded in ${id}'s timeline`));
    for (const ch of ['slack', 'webhook', 'pagerduty']) assert.match(deployed.out, new RegExp(`notified ${ch}: delivered to http://127\\.0\\.0\\.1:\\d+`), deployed.out);
    assert.equal(slack.hits.length, 1);
    assert.equal(slack.hits[0]?.url, '/services/T0/B0/SLACKSECRET');
    assert.equal(header(slack.hits[0]), `Deployed checkout:1.4.1 to staging (${id})`);
    assert.equal(hook.hits[0]?.body.kind, 'deploy-succeeded');
    assert.deepEqual((hook.hits[0]?.body.events as { type: string }[]).map((e) => e.type), ['deploy-started', 'deploy-succeeded']);
    assert.equal(pd.hits[0]?.url, '/v2/change/enqueue');
    assert.equal(pd.hits[0]?.body.routing_key, 'PDROUTINGKEY0123456789abcdef0123');
    assert.equal(pd.hits[0]?.body.event_action, undefined, 'a change event, not an alert');
    assert.match((pd.hits[0]?.body.payload as { summary: string }).summary, new RegExp(`^Deployed checkout:1\\.4\\.1 to staging \\(${id}\\)$`));
    assert.equal((pd.hits[0]?.body.payload as { source: string }).source, 'checkout');
    assert.equal(sp.hits.length, 0, 'the public status page is not told about deploys');

    const back = await cli(env, 'rollback', '--target=staging', kube());
    assert.equal(back.code, 0, back.err + back.out);
    assert.equal(header(slack.hits[1]), `Rolled back staging (${id})`);
    assert.equal(hook.hits[1]?.body.kind, 'rolled-back');
    assert.equal(pd.hits[1]?.url, '/v2/change/enqueue');
    assert.equal(sp.hits.length, 0);
    for (const secret of ['SLACKSECRET', 'HOOKSECRET', 'PDROUTINGKEY', 'SPAPIKEYSECRET']) {
      assert.ok(!deployed.out.includes(secret) && !deployed.err.includes(secret) && !back.out.includes(secret), secret);
    }
    assert.equal((await cli(env, 'incident', 'resolve', `--id=${id}`, '--root-cause=null order')).code, 0);
  });

  it('a receiver answering 500 does not block the deploy: exit 0, a warning, an audit record; the others still get it', async () => {
    const slack = await serve(200);
    const dead = await serve(500);
    const env = { HOTFIX_SLACK_WEBHOOK_URL: `${slack.base}/services/OK`, HOTFIX_WEBHOOK_URL: `${dead.base}/hook/DEADSECRET`, HOTFIX_PAGERDUTY_ROUTING_KEY: '', HOTFIX_STATUSPAGE_API_KEY: '' };
    const declared = await cli(env, 'incident', 'create', '--severity=sev2', '--title=Search slow', '--impact=medium', '--json');
    assert.equal(declared.code, 0, declared.err);
    const id = (JSON.parse(declared.out) as { incident: { id: string } }).incident.id;

    const deployed = await cli(env, 'deploy', '--target=staging', '--image=checkout:1.4.2', kube());
    assert.equal(deployed.code, 0, deployed.err + deployed.out);
    assert.match(deployed.out, /Deployed|runs checkout:1\.4\.2/);
    assert.equal(await k.image(ns, 'checkout'), 'checkout:1.4.2');
    assert.match(deployed.out, /notified webhook: FAILED: HTTP 500 from http:\/\/127\.0\.0\.1:\d+/);
    assert.match(deployed.out, new RegExp(`warning: 2 of 3 notification channels failed: pagerduty \\(not configured: set HOTFIX_PAGERDUTY_ROUTING_KEY\\); webhook \\(HTTP 500 .*\\); the ${id} timeline is updated regardless\\.`), deployed.out);
    assert.equal(dead.hits.length, 4, 'retried as a 5xx is');
    assert.equal(header(slack.hits[0]), `Deployed checkout:1.4.2 to staging (${id})`);
    assert.ok(!deployed.out.includes('DEADSECRET'));

    const audit = readFileSync(path.join(repo.work, '.git', 'hotfix', 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action: string; subject: string; after?: string; details: Record<string, unknown> });
    // Channels are sent at once, so their records land in the order they finished.
    const notified = audit.filter((r) => r.action === 'incident.notify' && r.subject === id).sort((a, b) => String(a.details.channel).localeCompare(String(b.details.channel)));
    assert.deepEqual(notified.map((r) => [r.details.channel, r.after]), [['pagerduty', 'failed'], ['slack', 'delivered'], ['webhook', 'failed']]);
    assert.equal(notified[2]?.details.status, 500);
    assert.ok(!JSON.stringify(audit).includes('DEADSECRET'));
    const shown = JSON.parse((await cli({}, 'incident', 'show', `--id=${id}`, '--json')).out) as { incident: { events: { type: string }[] } };
    assert.ok(shown.incident.events.some((e) => e.type === 'deploy-succeeded'));
  });
});

// Notifications end to end: the built CLI (dist/cli.js) declares, updates and resolves with
// --broadcast against real HTTP receivers on 127.0.0.1 that check each payload against the fields
// the service documents; a 429 with Retry-After is retried; a dead channel is reported while the
// incident still changes.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { createGitFixture, type GitFixture } from './fixtures/git';
import { runNode, type Ran } from './fixtures/process';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Hit { method: string; url: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }
type Reply = (hit: Hit) => { status: number; body?: unknown; headers?: Record<string, string> };

async function receiver(reply: Reply): Promise<{ base: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const hit = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(text || '{}') as Record<string, unknown> };
      hits.push(hit);
      const r = reply(hit);
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(JSON.stringify(r.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

// Compact validators of what each service requires (their API references).
const isStr = (v: unknown, max = Infinity): boolean => typeof v === 'string' && v.length > 0 && v.length <= max;
function slackValid(b: Record<string, unknown>): string | undefined {
  const blocks = b.blocks as { type: string; text?: { type: string; text: string }; elements?: { type: string; text: string }[] }[] | undefined;
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50) return 'blocks: 1..50 required';
  for (const block of blocks) {
    if (block.type === 'header' && (block.text?.type !== 'plain_text' || !isStr(block.text.text, 150))) return 'header: plain_text up to 150';
    if (block.type === 'section' && (!['mrkdwn', 'plain_text'].includes(block.text?.type ?? '') || !isStr(block.text?.text, 3000))) return 'section: text up to 3000';
    if (block.type === 'context' && (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10)) return 'context: 1..10 elements';
  }
  return isStr(b.text, 40000) ? undefined : 'text: fallback required';
}
function teamsValid(b: Record<string, unknown>): string | undefined {
  const att = b.attachments as { contentType: string; content: { type: string; version: string; body: { type: string; text?: string }[] } }[] | undefined;
  if (b.type !== 'message' || !Array.isArray(att) || att.length !== 1) return 'type message with one attachment';
  const card = att[0]?.content;
  if (att[0]?.contentType !== 'application/vnd.microsoft.card.adaptive' || card?.type !== 'AdaptiveCard' || card.version !== '1.4') return 'Adaptive Card 1.4';
  return card.body.every((e) => ['TextBlock', 'FactSet'].includes(e.type) && (e.type !== 'TextBlock' || isStr(e.text))) ? undefined : 'body elements';
}
function pagerDutyValid(b: Record<string, unknown>, url: string): string | undefined {
  if (!isStr(b.routing_key, 32)) return 'routing_key';
  if (url === '/v2/change/enqueue') {
    const p = b.payload as { summary?: unknown; timestamp?: unknown } | undefined;
    return isStr(p?.summary, 1024) ? undefined : 'change payload.summary';
  }
  if (url !== '/v2/enqueue' || !['trigger', 'acknowledge', 'resolve'].includes(b.event_action as string)) return 'event_action';
  if (b.event_action !== 'trigger') return isStr(b.dedup_key, 255) ? undefined : 'dedup_key required';
  const p = b.payload as { summary?: unknown; source?: unknown; severity?: unknown } | undefined;
  return isStr(p?.summary, 1024) && isStr(p?.source, 255) && ['critical', 'error', 'warning', 'info'].includes(p?.severity as string) ? undefined : 'payload.summary|source|severity';
}
function statuspageValid(b: Record<string, unknown>): string | undefined {
  const i = b.incident as Record<string, unknown> | undefined;
  if (!i || !isStr(i.name) || !['investigating', 'identified', 'monitoring', 'resolved'].includes(i.status as string)) return 'incident.name, status';
  if (i.impact_override !== undefined && !['none', 'minor', 'major', 'critical'].includes(i.impact_override as string)) return 'impact_override';
  const c = (i.components ?? {}) as Record<string, string>;
  return Object.values(c).every((s) => ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'].includes(s)) ? undefined : 'components';
}

function cli(cwd: string, env: Record<string, string>, ...args: string[]): Promise<Ran> {
  return runNode([CLI, 'incident', ...args], { cwd, env });
}

describe('notifications: the CLI broadcasts to real receivers on 127.0.0.1', function () {
  this.timeout(60_000);
  let repo: GitFixture;
  const servers: Server[] = [];
  beforeEach(() => {
    repo = createGitFixture();
    mkdirSync(path.join(repo.work, '.hotfix'), { recursive: true });
  });
  afterEach(() => {
    repo.dispose();
    for (const s of servers.splice(0)) s.close();
  });
  const config = (yaml: string) => writeFileSync(path.join(repo.work, '.hotfix', 'config.yaml'), yaml);
  const serve = async (reply: Reply) => {
    const r = await receiver(reply);
    servers.push(r.server);
    return r;
  };

  it('Slack, Teams, PagerDuty, Statuspage and the webhook get valid payloads; hostile text stays text; Statuspage is created then patched', async () => {
    const ok: Reply = () => ({ status: 200, body: { ok: true } });
    const slack = await serve(ok);
    const teams = await serve(() => ({ status: 202 }));
    const pd = await serve(() => ({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'x' } }));
    const sp = await serve((h) => ({ status: h.method === 'POST' ? 201 : 200, body: { id: 'sp42abc', status: (h.body.incident as { status: string }).status } }));
    const hook = await serve(ok);
    config('notifications:\n  slack: {}\n  teams:\n  pagerduty: { source: checkout }\n  statuspage: { pageId: pg1, components: [cmp1] }\n  webhook: {}\n');
    const env = {
      HOTFIX_SLACK_WEBHOOK_URL: `${slack.base}/services/T0/B0/SLACKSECRET`,
      HOTFIX_TEAMS_WEBHOOK_URL: `${teams.base}/workflows/TEAMSSECRET`,
      HOTFIX_PAGERDUTY_ROUTING_KEY: 'PDROUTINGKEY0123456789abcdef0123',
      HOTFIX_PAGERDUTY_API_BASE: pd.base,
      HOTFIX_STATUSPAGE_API_KEY: 'SPAPIKEYSECRET',
      HOTFIX_STATUSPAGE_API_BASE: sp.base,
      HOTFIX_WEBHOOK_URL: `${hook.base}/hook/HOOKSECRET`,
    };
    const title = 'Pay <!channel> <http://evil.example|click> [x](http://evil.example) *down* <b>now</b>';
    const created = await cli(repo.work, env, 'create', '--severity=sev1', `--title=${title}`, '--impact=high', '--broadcast');
    assert.equal(created.code, 0, created.err + created.out);
    for (const ch of ['slack', 'teams', 'pagerduty', 'statuspage', 'webhook']) assert.match(created.out, new RegExp(`--broadcast: ${ch} sent`), created.out);
    for (const secret of ['SLACKSECRET', 'TEAMSSECRET', 'PDROUTINGKEY', 'SPAPIKEYSECRET', 'HOOKSECRET']) assert.ok(!created.out.includes(secret) && !created.err.includes(secret), secret);

    assert.equal(slack.hits[0]?.url, '/services/T0/B0/SLACKSECRET');
    assert.equal(slackValid(slack.hits[0]?.body ?? {}), undefined);
    const slackText = JSON.stringify(slack.hits[0]?.body);
    assert.ok(!slackText.includes('<!channel>') && !slackText.includes('<http://evil') && !slackText.includes('*down*'), slackText);
    assert.equal(teamsValid(teams.hits[0]?.body ?? {}), undefined);
    assert.ok(!JSON.stringify(teams.hits[0]?.body).includes('[x](http://'));
    assert.equal(pagerDutyValid(pd.hits[0]?.body ?? {}, pd.hits[0]?.url ?? ''), undefined);
    assert.equal(pd.hits[0]?.body.event_action, 'trigger');
    assert.equal((pd.hits[0]?.body.payload as { severity: string }).severity, 'error');
    assert.equal(sp.hits[0]?.method, 'POST');
    assert.equal(sp.hits[0]?.url, '/v1/pages/pg1/incidents');
    assert.equal(sp.hits[0]?.headers.authorization, 'OAuth SPAPIKEYSECRET');
    assert.equal(statuspageValid(sp.hits[0]?.body ?? {}), undefined);
    assert.equal((hook.hits[0]?.body.incident as { title: string }).title, title);

    const updated = await cli(repo.work, env, 'update', '--status=identified', '--note=rollback in progress', '--broadcast');
    assert.equal(updated.code, 0, updated.err);
    assert.equal(pd.hits[1]?.body.event_action, 'acknowledge');
    assert.equal(sp.hits[1]?.method, 'PATCH');
    assert.equal(sp.hits[1]?.url, '/v1/pages/pg1/incidents/sp42abc');
    assert.equal((sp.hits[1]?.body.incident as { body: string }).body, 'rollback in progress');
    const resolved = await cli(repo.work, env, 'resolve', '--root-cause=null order', '--broadcast');
    assert.equal(resolved.code, 0, resolved.err);
    assert.equal(pd.hits[2]?.body.event_action, 'resolve');
    assert.equal(pagerDutyValid(pd.hits[2]?.body ?? {}, '/v2/enqueue'), undefined);
    assert.equal((sp.hits[2]?.body.incident as { status: string }).status, 'resolved');
    assert.equal(slackValid(slack.hits[2]?.body ?? {}), undefined);

    const quiet = await cli(repo.work, env, 'update', '--status=monitoring', '--reopen=flapping');
    void quiet; // without --broadcast nothing is sent
    assert.equal(slack.hits.length, 3);
    const audit = readFileSync(path.join(repo.work, '.git', 'hotfix', 'audit.jsonl'), 'utf8');
    assert.equal(audit.split('\n').filter((l) => l.includes('"incident.notify"')).length, 15);
    for (const secret of ['SLACKSECRET', 'TEAMSSECRET', 'PDROUTINGKEY', 'SPAPIKEYSECRET', 'HOOKSECRET']) assert.ok(!audit.includes(secret), secret);
  });

  it('a 429 with Retry-After then 200 is retried and delivered; a dead channel and a missing secret are reported while the incident is declared', async () => {
    let calls = 0;
    const flaky = await serve(() => (++calls === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const dead = await serve(() => ({ status: 500, body: { error: 'down' } }));
    const closed = await serve(() => ({ status: 200 }));
    const refused = closed.base;
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    config('notifications:\n  slack: {}\n  webhook: {}\n  teams: {}\n  pagerduty: {}\n');
    const env = {
      HOTFIX_SLACK_WEBHOOK_URL: `${flaky.base}/services/SECRETPATH`,
      HOTFIX_WEBHOOK_URL: `${dead.base}/hook/DEADSECRET`,
      HOTFIX_TEAMS_WEBHOOK_URL: `${refused}/workflows/REFUSEDSECRET`,
      HOTFIX_PAGERDUTY_ROUTING_KEY: '',
    };
    const started = Date.now();
    const created = await cli(repo.work, env, 'create', '--severity=sev2', '--title=Search slow', '--impact=medium', '--broadcast', '--json');
    assert.equal(created.code, 0, created.err);
    const out = JSON.parse(created.out) as { incident: { id: string }; broadcast: { channels: { channel: string; ok: boolean; detail: string; attempts: number; status?: number }[] } };
    const by = Object.fromEntries(out.broadcast.channels.map((c) => [c.channel, c]));
    assert.equal(by.slack?.ok, true);
    assert.equal(by.slack?.attempts, 2);
    assert.ok(Date.now() - started >= 1000, 'Retry-After: 1 was honoured');
    assert.equal(by.webhook?.ok, false);
    assert.equal(by.webhook?.status, 500);
    assert.equal(by.webhook?.attempts, 4);
    assert.equal(dead.hits.length, 4);
    assert.equal(by.teams?.ok, false);
    assert.match(by.teams?.detail ?? '', /ECONNREFUSED/);
    assert.equal(by.pagerduty?.ok, false);
    assert.equal(by.pagerduty?.detail, 'not configured: set HOTFIX_PAGERDUTY_ROUTING_KEY');
    assert.ok(!created.out.includes('SECRET'), created.out);
    const human = await cli(repo.work, env, 'update', '--status=identified', '--broadcast');
    assert.equal(human.code, 0);
    assert.match(human.out, /warning: 3 of 4 notification channels failed \(teams, pagerduty, webhook\)/);
    const shown = await cli(repo.work, {}, 'show', '--json');
    assert.equal((JSON.parse(shown.out) as { incident: { id: string; status: string } }).incident.status, 'identified');
  });
});

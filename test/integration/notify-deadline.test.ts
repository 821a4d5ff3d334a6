// A slow channel never holds a command: the built CLI (dist/cli.js) sends to every channel at once
// under one deadline (notifications.deadline), against real receivers on 127.0.0.1 that never answer,
// ask to retry after 99999 s, redirect, or are configured with credentials in the URL.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runNode, type Ran } from './fixtures/process';
import { repoWithReceivers, type Reply } from './fixtures/receivers';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Channel {
  channel: string;
  ok: boolean;
  detail: string;
  attempts: number;
}

describe('notifications: every channel at once under one deadline (dist/cli.js, 127.0.0.1)', function () {
  this.timeout(60_000);
  const rig = repoWithReceivers();
  const serve = (reply: Reply) => rig.serve(reply);
  const config = (yaml: string) => writeFileSync(path.join(rig.repo().work, '.hotfix', 'config.yaml'), yaml);
  const timed = async (env: Record<string, string>, ...args: string[]): Promise<Ran & { ms: number }> => {
    const started = Date.now();
    const ran = await runNode([CLI, 'incident', ...args], { cwd: rig.repo().work, env });
    return { ...ran, ms: Date.now() - started };
  };
  const channels = (ran: Ran): Channel[] => {
    assert.equal(ran.code, 0, ran.err + ran.out);
    return (JSON.parse(ran.out) as { broadcast: { channels: Channel[] } }).broadcast.channels;
  };

  it('five receivers that never answer, then Retry-After: 99999: each command returns soon after a 2s deadline and the incident is recorded', async () => {
    let mode: 'hang' | 'retry-after' = 'hang';
    const answer: Reply = () => (mode === 'hang' ? 'hang' : { status: 429, headers: { 'retry-after': '99999' }, body: 'slow down' });
    const [slack, teams, pd, sp, hook] = [await serve(answer), await serve(answer), await serve(answer), await serve(answer), await serve(answer)];
    config('notifications:\n  deadline: 2s\n  slack: {}\n  teams: {}\n  pagerduty: {}\n  statuspage: { pageId: pg1 }\n  webhook: {}\n');
    const env = {
      HOTFIX_SLACK_WEBHOOK_URL: `${slack?.base}/services/T0/B0/SLACKSECRET`,
      HOTFIX_TEAMS_WEBHOOK_URL: `${teams?.base}/workflows/TEAMSSECRET`,
      HOTFIX_PAGERDUTY_ROUTING_KEY: 'PDROUTINGKEY0123456789abcdef0123',
      HOTFIX_PAGERDUTY_API_BASE: pd?.base ?? '',
      HOTFIX_STATUSPAGE_API_KEY: 'SPAPIKEYSECRET',
      HOTFIX_STATUSPAGE_API_BASE: sp?.base ?? '',
      HOTFIX_WEBHOOK_URL: `${hook?.base}/hook/HOOKSECRET`,
    };

    const hung = await timed(env, 'create', '--severity=sev1', '--title=Checkout down', '--impact=high', '--broadcast', '--json');
    assert.ok(hung.ms < 10_000, `returned after ${hung.ms} ms with a 2s deadline`);
    const declared = channels(hung);
    assert.deepEqual(declared.map((c) => c.channel), ['slack', 'teams', 'pagerduty', 'statuspage', 'webhook']);
    for (const c of declared) {
      assert.equal(c.ok, false, c.channel);
      assert.match(c.detail, /no answer within 2s/, c.channel);
    }
    for (const r of [slack, teams, pd, sp, hook]) assert.equal(r?.hits.length, 1, 'each channel was asked (once: the deadline ended the wait)');

    mode = 'retry-after';
    const slow = await timed(env, 'update', '--status=identified', '--note=found it', '--broadcast', '--json');
    assert.ok(slow.ms < 10_000, `returned after ${slow.ms} ms although Retry-After said 99999 s`);
    for (const c of channels(slow)) {
      assert.equal(c.ok, false, c.channel);
      assert.equal(c.attempts, 1, `${c.channel}: not retried`);
      assert.match(c.detail, /HTTP 429 .*Retry-After 99999s is beyond the 2s deadline/, c.channel);
    }
    const shown = await runNode([CLI, 'incident', 'show', '--json'], { cwd: rig.repo().work });
    const incident = (JSON.parse(shown.out) as { incident: { status: string; events: { type: string; reason?: string }[] } }).incident;
    assert.equal(incident.status, 'identified', 'the update is recorded regardless of the channels');
    assert.ok(incident.events.some((e) => e.type === 'status-changed' && e.reason === 'found it'), JSON.stringify(incident.events));
  });

  it('a redirect is refused after exactly one request and named; a URL with credentials is refused before any request', async () => {
    const elsewhere = await serve(() => ({ status: 200 }));
    const redirect = await serve(() => ({ status: 302, headers: { location: `${elsewhere.base}/services/T0/B0/SLACKSECRET` } }));
    const credentials = await serve(() => ({ status: 200 }));
    config('notifications:\n  slack: {}\n  webhook: {}\n');
    const env = {
      HOTFIX_SLACK_WEBHOOK_URL: `${redirect.base}/services/T0/B0/SLACKSECRET`,
      HOTFIX_WEBHOOK_URL: credentials.base.replace('http://', 'http://hookuser:hookpassword@') + '/hook',
    };
    const ran = await timed(env, 'create', '--severity=sev2', '--title=Search slow', '--impact=medium', '--broadcast', '--json');
    const [slack, webhook] = channels(ran);
    assert.equal(redirect.hits.length, 1, 'one request, not retried');
    assert.equal(elsewhere.hits.length, 0, 'the redirect is not followed');
    assert.equal(slack?.ok, false);
    assert.equal(slack?.attempts, 1);
    assert.match(slack?.detail ?? '', /answered with a redirect \(HTTP 302\) to another address; notifications never follow redirects: configure the final URL/);
    assert.equal(credentials.hits.length, 0, 'nothing is sent to a URL with credentials');
    assert.equal(webhook?.ok, false);
    assert.equal(webhook?.attempts, 0);
    assert.match(webhook?.detail ?? '', /user name or password in the URL/);
    assert.ok(!ran.out.includes('hookpassword') && !ran.out.includes('SLACKSECRET'), ran.out);
  });
});

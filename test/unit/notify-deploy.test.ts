// Deploy notifications, pure: which channel hears which kind (incident changes when broadcast,
// deploys and rollbacks always, never Statuspage), the deploy texts, secret checks, and the sinks
// choosing per channel with an injected fetch.
import assert from 'node:assert/strict';
import { buildSinks } from '../../src/app/notify-sinks';
import type { IncidentEvent } from '../../src/core/incident/events';
import { foldIncident } from '../../src/core/incident/fold';
import type { IncidentChange } from '../../src/core/incident/ports';
import { pagerDutyRequest } from '../../src/core/notify/payloads';
import { channelSends, checkSecret, NOTIFY_CHANNELS } from '../../src/core/notify/policy';
import { messageKind, renderMessage, MESSAGE_KINDS } from '../../src/core/notify/templates';

const ID = 'INC-20261127-AB12';
let n = 0;
const ev = (payload: Record<string, unknown>, at = '2026-11-27T14:30:00.000Z'): IncidentEvent => ({ id: `d${++n}`, at, actor: 'Ada Oncall <ada@example.com>', ...payload }) as IncidentEvent;
const declared = ev({ type: 'declared', title: 'Checkout errors', severity: 'SEV1', impact: { level: 'high' } }, '2026-11-27T14:02:00.000Z');

function change(extra: IncidentEvent[], broadcast = false): IncidentChange {
  const before = foldIncident(ID, [declared]);
  const after = foldIncident(ID, [declared, ...extra]);
  assert.ok(before.ok && after.ok);
  return { incident: after.value, previous: before.value, events: extra, broadcast };
}

const started = { type: 'deploy-started', target: 'production', image: 'checkout:1.4.1', strategy: 'canary' };
const verdict = { type: 'gate-verdict', target: 'production', pass: false, reason: 'error-rate: error-rate 7.9% > 1% at step 2 of 5 (25%)', step: 'step 2 of 5 (25%)' };
const failedDeploy = { type: 'deploy-failed', target: 'production', image: 'checkout:1.4.1', reason: 'error-rate 7.9% > 1% at step 25%' };
const undone = { type: 'rollback', target: 'production', reason: 'set the canary to 0 and restored checkout:1.4.0' };

describe('notify: which channel hears which change', () => {
  it('incident changes only when broadcast; deploys and rollbacks always, except on Statuspage', () => {
    for (const channel of NOTIFY_CHANNELS) {
      for (const kind of MESSAGE_KINDS) {
        const deploy = kind === 'deploy-started' || kind === 'deploy-succeeded' || kind === 'rolled-back';
        assert.equal(channelSends(channel, kind, true), deploy ? channel !== 'statuspage' : true, `${channel} ${kind} broadcast`);
        assert.equal(channelSends(channel, kind, false), deploy && channel !== 'statuspage', `${channel} ${kind} quiet`);
      }
    }
  });
  it('tells a deploy change by its most telling event: gate verdicts and hotfix branches alone are updates', () => {
    assert.equal(messageKind({ events: [ev(started)] }), 'deploy-started');
    assert.equal(messageKind({ events: [ev(started), ev(verdict), ev({ type: 'deploy-succeeded', target: 'production', image: 'checkout:1.4.1' })] }), 'deploy-succeeded');
    assert.equal(messageKind({ events: [ev(started), ev(verdict), ev(failedDeploy), ev(undone)] }), 'rolled-back');
    assert.equal(messageKind({ events: [ev(verdict)] }), 'update');
    assert.equal(messageKind({ events: [ev({ type: 'hotfix-created', branch: 'hotfix/PROD-1' })] }), 'update');
  });
});

describe('notify: deploy texts', () => {
  it('deploy-started: "Deploying checkout:1.4.1 to production (INC-…)" with the strategy', () => {
    const m = renderMessage(change([ev(started)]));
    assert.equal(m.title, `Deploying checkout:1.4.1 to production (${ID})`);
    assert.deepEqual(m.summary, ['For SEV1 Checkout errors; strategy canary.', 'Started by Ada Oncall <ada@example.com> at 2026-11-27 14:30 UTC.']);
  });
  it('deploy-succeeded: image, target, who, and what to do next', () => {
    const m = renderMessage(change([ev(started), ev({ type: 'deploy-succeeded', target: 'production', image: 'checkout:1.4.1' })]));
    assert.equal(m.title, `Deployed checkout:1.4.1 to production (${ID})`);
    assert.deepEqual(m.summary, [
      'For SEV1 Checkout errors, now investigating.',
      'Deployed by Ada Oncall <ada@example.com>, finished at 2026-11-27 14:30 UTC; watch the dashboards before resolving.',
    ]);
  });
  it('rolled back by a gate: the why is the gate verdict, then what restoring did', () => {
    const m = renderMessage(change([ev(started), ev(verdict), ev(failedDeploy), ev(undone)]));
    assert.equal(m.kind, 'rolled-back');
    assert.equal(m.title, `Rolled back production (${ID})`);
    assert.deepEqual(m.summary, [
      'Why: error-rate 7.9% > 1% at step 25%',
      'Deploy of checkout:1.4.1 undone: set the canary to 0 and restored checkout:1.4.0',
      'For SEV1 Checkout errors, now investigating.',
      'Rolled back by Ada Oncall <ada@example.com> at 2026-11-27 14:30 UTC.',
    ]);
  });
  it('a rollback alone (verify --auto-rollback, or by hand) says its own why and drops the empty lines', () => {
    const m = renderMessage(change([ev({ type: 'rollback', target: 'production', to: 'revision 3', reason: 'verify failed: latency-p99 2.1 s > 0.5 s' })]));
    assert.deepEqual(m.summary.slice(0, 2), ['Why: verify failed: latency-p99 2.1 s > 0.5 s', 'Back to revision 3.']);
    assert.ok(!m.summary.some((l) => l.startsWith('Deploy of')));
  });
  it('PagerDuty gets deploys and rollbacks as change events, never alerts', () => {
    for (const events of [[ev(started)], [ev(started), ev(failedDeploy), ev(undone)]]) {
      const c = change(events);
      const request = pagerDutyRequest(renderMessage(c), c, { routingKey: 'k' });
      assert.equal(request.path, '/v2/change/enqueue');
      assert.equal((request.body as { event_action?: string }).event_action, undefined);
    }
  });
});

describe('notify: secrets as the Configure Notifications box checks them', () => {
  it('webhook URLs must be https, http only to loopback; keys must be one token', () => {
    assert.equal(checkSecret('slack', ' https://hooks.slack.com/services/T/B/X ').ok, true);
    assert.equal(checkSecret('webhook', 'http://127.0.0.1:8080/hook').ok, true);
    assert.equal(checkSecret('teams', 'http://localhost/hook').ok, true);
    const plain = checkSecret('slack', 'http://hooks.example.com/SECRETPART');
    assert.equal(plain.ok, false);
    assert.ok(!plain.ok && !plain.reason.includes('SECRETPART'), 'the reason never repeats the value');
    assert.equal(checkSecret('webhook', 'not a url').ok, false);
    assert.equal(checkSecret('webhook', 'ftp://127.0.0.1/x').ok, false);
    assert.equal(checkSecret('pagerduty', '   ').ok, false);
    assert.equal(checkSecret('pagerduty', 'R0UTINGKEY0123').ok, true);
    assert.equal(checkSecret('statuspage', 'two words').ok, false);
  });
});

describe('notify: sinks choose per channel', () => {
  const config = { notifications: { slack: {}, pagerduty: {}, statuspage: { pageId: 'pg1' }, webhook: {} } };
  const env = { HOTFIX_SLACK_WEBHOOK_URL: 'https://hooks.example/slack/S', HOTFIX_PAGERDUTY_ROUTING_KEY: 'PDKEY', HOTFIX_STATUSPAGE_API_KEY: 'SPKEY', HOTFIX_WEBHOOK_URL: 'https://hooks.example/hook/W' };
  async function publish(c: IncidentChange): Promise<{ urls: string[]; channels: string[] }> {
    const urls: string[] = [];
    const fetch: typeof globalThis.fetch = (url) => {
      urls.push(typeof url === 'string' ? url : url instanceof URL ? url.href : url.url);
      return Promise.resolve(new Response('{}', { status: 200 }));
    };
    const sinks = buildSinks(config, env, { send: { fetch, attempts: 1 } });
    const reports = (await Promise.all(sinks.map((s) => s.publish(c)))).flat();
    return { urls, channels: reports.map((r) => r.channel) };
  }
  it('a deploy without broadcast reaches Slack, PagerDuty (change event) and the webhook, not Statuspage', async () => {
    const sent = await publish(change([ev(started), ev({ type: 'deploy-succeeded', target: 'production', image: 'checkout:1.4.1' })]));
    assert.deepEqual(sent.channels, ['slack', 'pagerduty', 'webhook']);
    assert.ok(sent.urls.includes('https://events.pagerduty.com/v2/change/enqueue'), sent.urls.join(' '));
  });
  it('an incident update without broadcast reaches nobody; with it, everyone', async () => {
    const update = [ev({ type: 'status-changed', to: 'identified' })];
    assert.deepEqual((await publish(change(update))).channels, []);
    assert.deepEqual((await publish(change(update, true))).channels, ['slack', 'pagerduty', 'statuspage', 'webhook']);
  });
});

// Notifications, pure: templates, per-channel payload shapes and escaping of hostile text.
import assert from 'node:assert/strict';
import { foldIncident } from '../../src/core/incident/fold';
import type { IncidentEvent } from '../../src/core/incident/events';
import type { IncidentChange } from '../../src/core/incident/ports';
import { slackText, teamsText } from '../../src/core/notify/escape';
import { pagerDutyRequest, slackPayload, statuspageRequest, teamsPayload, webhookPayload } from '../../src/core/notify/payloads';
import { messageKind, parseTemplate, renderMessage, statuspageIncidentId } from '../../src/core/notify/templates';
import { redactUrl, retryAfterMs, scrub, sendHttp } from '../../src/adapters/notify/http-sender';

const HOSTILE = 'Pay <b>down</b> <!channel> <http://evil.example|click> [docs](http://evil.example) *bold* _x_ ~y~ `z` {{incident.id}}';
let n = 0;
const ev = (payload: Record<string, unknown>, at = '2026-11-27T14:02:00.000Z'): IncidentEvent => ({ id: `e${++n}`, at, actor: 'Ada Oncall <ada@example.com>', ...payload }) as IncidentEvent;
const declared = ev({ type: 'declared', title: HOSTILE, severity: 'SEV1', impact: { level: 'high', summary: 'card payments fail' }, commander: 'Ada', warRoom: 'https://meet.example.com/inc' });

function change(events: IncidentEvent[], extra: IncidentEvent[] = []): IncidentChange {
  const before = foldIncident('INC-20261127-AB12', events);
  const after = foldIncident('INC-20261127-AB12', [...events, ...extra]);
  assert.ok(before.ok && after.ok);
  return extra.length > 0 ? { incident: after.value, previous: before.value, events: extra, broadcast: true } : { incident: after.value, events, broadcast: true };
}

/** Every string in a payload. */
const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []);

describe('notify: templates', () => {
  it('renders the default declared message for on-call people, dropping lines whose placeholders are empty', () => {
    const c = change([declared]);
    const m = renderMessage(c);
    assert.equal(m.kind, 'declared');
    assert.match(m.title, /^SEV1 incident declared: Pay <b>down<\/b>/);
    assert.ok(m.title.includes('{{incident.id}}'), 'a value is never substituted again');
    assert.ok(m.summary.includes('Impact: high: card payments fail'));
    assert.ok(m.summary.some((l) => l.startsWith('Incident commander: Ada')));
    assert.ok(!m.summary.some((l) => l.startsWith('Affected components')));
    assert.deepEqual(m.links, [{ label: 'War room', url: 'https://meet.example.com/inc' }]);
  });
  it('picks the kind from the change and renders updates, resolutions and a team template', () => {
    const update = change([declared], [ev({ type: 'status-changed', to: 'identified' }, '2026-11-27T14:20:00.000Z'), ev({ type: 'note', text: 'bad deploy' }, '2026-11-27T14:20:00.000Z')]);
    assert.equal(messageKind(update), 'update');
    const m = renderMessage(update);
    assert.match(m.title, /SEV1 update, identified/);
    assert.ok(m.summary.includes('Status: identified'));
    assert.ok(m.summary.includes('Note: bad deploy'));
    assert.ok(m.summary.some((l) => l.startsWith('Open for 18m')));
    const resolved = change([declared], [ev({ type: 'resolved', rootCause: 'null order', actionItems: [{ text: 'validate', owner: 'ada' }] }, '2026-11-27T15:02:00.000Z')]);
    assert.equal(messageKind(resolved), 'resolved');
    assert.ok(renderMessage(resolved).summary.includes('Follow-up: validate (@ada)'));
    const own = renderMessage(update, parseTemplate('# {{incident.id}} is {{incident.status}}\nETA {{incident.eta}}\n{{nope}} said {{actor}}', 'update'));
    assert.equal(own.title, 'INC-20261127-AB12 is identified');
    assert.deepEqual(own.summary, ['said Ada Oncall <ada@example.com>']);
    assert.deepEqual(own.warnings, ['unknown placeholder {{nope}}']);
    assert.equal(messageKind({ events: [ev({ type: 'rollback', target: 'production' })] }), 'rolled-back');
    assert.equal(messageKind({ events: [ev({ type: 'deploy-started', target: 'production', image: 'x:1' })] }), 'deploy-started');
  });
});

describe('notify: hostile text is escaped per channel', () => {
  it('Slack: no mention, link or markup from user text; links the person gave are links', () => {
    const s = slackText(HOSTILE);
    assert.ok(!/[<>*_~`]/.test(s), s);
    assert.ok(s.includes('&lt;!channel&gt;') && s.includes('&lt;http:\u200B//evil.example|click&gt;'));
    const payload = slackPayload(renderMessage(change([declared])));
    for (const text of strings(payload)) {
      assert.ok(!text.includes('<!channel>') && !text.includes('<http://evil') && !text.includes('<b>') && !text.includes('](http://'), text);
    }
    assert.ok(JSON.stringify(payload).includes('<https://meet.example.com/inc|War room>'));
  });
  it('Teams: no Markdown link, emphasis or HTML from user text', () => {
    const s = teamsText(`${HOSTILE}\n1. list\n# heading`);
    assert.ok(!/[<>*_~`[\]#]/.test(s), s);
    assert.ok(!s.includes('http://'));
    for (const text of strings(teamsPayload(renderMessage(change([declared]))))) {
      if (text.startsWith('http')) continue; // the card schema, the war-room action url
      assert.ok(!/<b>|\]\(http|\*bold\*/.test(text), text);
    }
  });
});

describe('notify: payload shapes', () => {
  const c = change([declared]);
  const m = renderMessage(c);
  it('Slack Block Kit: header, section mrkdwn, context', () => {
    const p = slackPayload(m) as { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: unknown[] }[] };
    assert.deepEqual(p.blocks.map((b) => b.type), ['header', 'section', 'context']);
    assert.equal(p.blocks[0]?.text?.type, 'plain_text');
    assert.ok((p.blocks[0]?.text?.text.length ?? 0) <= 150);
    assert.equal(p.blocks[1]?.text?.type, 'mrkdwn');
    assert.ok(p.text.length > 0);
  });
  it('Teams: a message with one Adaptive Card 1.4', () => {
    const p = teamsPayload(m) as { type: string; attachments: { contentType: string; content: { type: string; version: string; body: { type: string }[]; actions: { type: string; url: string }[] } }[] };
    assert.equal(p.type, 'message');
    assert.equal(p.attachments[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(p.attachments[0]?.content.type, 'AdaptiveCard');
    assert.equal(p.attachments[0]?.content.version, '1.4');
    assert.equal(p.attachments[0]?.content.actions[0]?.url, 'https://meet.example.com/inc');
  });
  it('PagerDuty: trigger with severity mapping, acknowledge on identified, resolve, change events for deploys', () => {
    const t = pagerDutyRequest(m, c, { routingKey: 'R0UTINGKEY' });
    assert.equal(t.path, '/v2/enqueue');
    assert.deepEqual({ ...(t.body as Record<string, unknown>), payload: undefined, links: undefined }, { routing_key: 'R0UTINGKEY', event_action: 'trigger', dedup_key: 'INC-20261127-AB12', client: 'Hotfix Deployer', payload: undefined, links: undefined });
    const payload = (t.body as { payload: { severity: string; source: string; summary: string } }).payload;
    assert.equal(payload.severity, 'error');
    assert.equal(payload.source, 'hotfix-deployer');
    const ack = change([declared], [ev({ type: 'status-changed', to: 'identified' })]);
    assert.equal((pagerDutyRequest(renderMessage(ack), ack, { routingKey: 'k' }).body as { event_action: string }).event_action, 'acknowledge');
    const res = change([declared], [ev({ type: 'resolved', rootCause: 'x', actionItems: [] })]);
    const r = pagerDutyRequest(renderMessage(res), res, { routingKey: 'k' }).body as { event_action: string; payload?: unknown };
    assert.equal(r.event_action, 'resolve');
    assert.equal(r.payload, undefined);
    const dep = change([declared], [ev({ type: 'deploy-succeeded', target: 'production', image: 'reg/app:1.4.2' })]);
    const d = pagerDutyRequest(renderMessage(dep), dep, { routingKey: 'k' });
    assert.equal(d.path, '/v2/change/enqueue');
    assert.match((d.body as { payload: { summary: string } }).payload.summary, /Deployed reg\/app:1\.4\.2 to production/);
  });
  it('Statuspage: POST then PATCH with the status, impact and components vocabulary', () => {
    const post = statuspageRequest(m, c, { pageId: 'pg1', components: ['cmp1'] });
    assert.equal(post?.method, 'POST');
    assert.equal(post?.path, '/v1/pages/pg1/incidents');
    assert.deepEqual(post?.body.incident.components, { cmp1: 'major_outage' });
    assert.equal(post?.body.incident.impact_override, 'major');
    assert.equal(post?.body.incident.status, 'investigating');
    const linked = change([declared, ev({ type: 'link-added', kind: 'other', url: 'https://manage.statuspage.io/pages/pg1/incidents/sp9', label: 'statuspage-incident:sp9' })], [ev({ type: 'resolved', rootCause: 'internal detail', actionItems: [] })]);
    assert.equal(statuspageIncidentId(linked.incident), 'sp9');
    const patch = statuspageRequest(renderMessage(linked), linked, { pageId: 'pg1', components: ['cmp1'], existingId: 'sp9' });
    assert.equal(patch?.method, 'PATCH');
    assert.equal(patch?.path, '/v1/pages/pg1/incidents/sp9');
    assert.equal(patch?.body.incident.status, 'resolved');
    assert.deepEqual(patch?.body.incident.components, { cmp1: 'operational' });
    assert.ok(!JSON.stringify(patch).includes('internal detail'), 'the public page never gets the root cause');
    assert.ok(!renderMessage(linked).links.some((l) => l.url.includes('manage.statuspage.io')));
  });
  it('webhook: kind, message, events and the incident view', () => {
    const p = webhookPayload(m, c) as { kind: string; incident: { id: string; events?: unknown; eventCount: number }; events: unknown[] };
    assert.equal(p.kind, 'declared');
    assert.equal(p.incident.id, 'INC-20261127-AB12');
    assert.equal(p.incident.events, undefined);
    assert.equal(p.events.length, 1);
  });
});

describe('notify: http sender helpers', () => {
  it('redacts URLs to scheme and host, redacts secrets, reads Retry-After both ways', () => {
    assert.equal(redactUrl('https://hooks.slack.com/services/T0/B0/SECRET'), 'https://hooks.slack.com');
    assert.equal(scrub('failed https://x/hook/SECRETX and SECRETX', ['SECRETX']), 'failed https://x/hook/[redacted] and [redacted]');
    assert.equal(retryAfterMs('3', 0), 3000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4000), 6000);
    assert.equal(retryAfterMs('soon', 0), undefined);
  });
  it('retries 429 and 5xx honouring Retry-After, not other 4xx, and never throws', async () => {
    const waits: number[] = [];
    const replies = [new Response('', { status: 429, headers: { 'retry-after': '2' } }), new Response('oops', { status: 503 }), new Response('{"ok":true}', { status: 200 })];
    const ok = await sendHttp({ channel: 'slack', url: 'https://hooks.example/T/SECRET', body: {}, secrets: [] }, { sleep: (ms) => { waits.push(ms); return Promise.resolve(); }, random: () => 0, fetch: () => Promise.resolve(replies.shift() as Response) });
    assert.equal(ok.report.ok, true);
    assert.equal(ok.report.attempts, 3);
    assert.deepEqual(waits, [2000, 500]);
    const bad = await sendHttp({ channel: 'slack', url: 'https://hooks.example/T/SECRET', body: {}, secrets: [] }, { fetch: () => Promise.resolve(new Response('invalid_payload at https://hooks.example/T/SECRET', { status: 400 })) });
    assert.equal(bad.report.ok, false);
    assert.equal(bad.report.attempts, 1);
    assert.ok(!JSON.stringify(bad.report).includes('SECRET'), JSON.stringify(bad.report));
    const thrown = await sendHttp({ channel: 'x', url: 'https://h.example/KEY', body: {}, secrets: [] }, { attempts: 2, sleep: () => Promise.resolve(), fetch: () => Promise.reject(new Error('boom https://h.example/KEY')) });
    assert.equal(thrown.report.ok, false);
    assert.equal(thrown.report.attempts, 2);
    assert.ok(!JSON.stringify(thrown.report).includes('KEY'));
  });
  it('within a deadline: a Retry-After or a backoff past it gives up without waiting; a redirect and credentials are refused', async () => {
    const slept: number[] = [];
    const sleep = (ms: number) => Promise.resolve(void slept.push(ms));
    const url = 'https://hooks.example/services/T0/B0/SECRETTOKEN1';
    const deadline = { deadlineAt: Date.now() + 5000, deadlineText: '5s', sleep };
    const later = await sendHttp({ channel: 'slack', url, body: {}, secrets: [url] }, { ...deadline, fetch: () => Promise.resolve(new Response('busy', { status: 429, headers: { 'retry-after': '99999' } })) });
    assert.equal(later.report.attempts, 1);
    assert.match(later.report.detail, /HTTP 429 from https:\/\/hooks\.example: busy; Retry-After 99999s is beyond the 5s deadline: not retried/);
    const backoff = await sendHttp({ channel: 'slack', url, body: {}, secrets: [url] }, { ...deadline, baseDelayMs: 20_000, random: () => 0.5, fetch: () => Promise.resolve(new Response('', { status: 503 })) });
    assert.equal(backoff.report.attempts, 1);
    assert.match(backoff.report.detail, /no time left to try again within the 5s deadline/);
    assert.deepEqual(slept, []);

    let asked = 0;
    const moved = await sendHttp({ channel: 'slack', url, body: {}, secrets: [url] }, { sleep, fetch: (_u, init) => {
      asked++;
      assert.equal(init?.redirect, 'manual');
      return Promise.resolve(new Response('', { status: 307, headers: { location: 'https://elsewhere.example/x' } }));
    } });
    assert.equal(asked, 1);
    assert.equal(moved.report.detail, 'https://hooks.example answered with a redirect (HTTP 307) to another address; notifications never follow redirects: configure the final URL');

    const withCredentials = await sendHttp({ channel: 'webhook', url: 'https://me:pa55word@hooks.example/hook', body: {}, secrets: ['https://me:pa55word@hooks.example/hook'] }, { fetch: () => Promise.reject(new Error('must not be called')) });
    assert.equal(withCredentials.report.attempts, 0);
    assert.match(withCredentials.report.detail, /^not sent: a user name or password in the URL/);
    assert.ok(!withCredentials.report.detail.includes('pa55word'));
  });
  it('a delivery still pending at the deadline is abandoned and reported', async () => {
    const hanging: typeof fetch = (_u, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'TimeoutError'))));
    const started = Date.now();
    const sent = await sendHttp({ channel: 'teams', url: 'https://hooks.example/t', body: {}, secrets: [] }, { deadlineAt: Date.now() + 100, deadlineText: '100ms', fetch: hanging });
    assert.ok(Date.now() - started < 1000);
    assert.equal(sent.report.ok, false);
    assert.equal(sent.report.detail, 'no answer within 100ms from https://hooks.example (the notification deadline)');
  });
});

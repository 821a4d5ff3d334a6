// The post-mortem draft: the facts from the timeline in order with elapsed times, the headings to
// fill in, and hostile titles and notes rendered as text by a real Markdown renderer.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { EventPayload, IncidentEvent } from '../../src/core/incident/events';
import { foldIncident } from '../../src/core/incident/fold';
import { escapeMarkdown, escapeMarkdownBlock, markdownLink } from '../../src/core/incident/markdown';
import type { Incident } from '../../src/core/incident/model';
import { postmortem } from '../../src/core/incident/postmortem';
import { formatDuration } from '../../src/core/incident/describe';

// markdown-it ships with @vscode/vsce (a devDependency); with HTML and linkify on it renders as
// permissively as GitHub or a wiki would, the worst case for escaping.
type Renderer = { render(source: string): string };
const MarkdownIt = createRequire(__filename)('markdown-it') as (options: object) => Renderer;
const md = MarkdownIt({ html: true, linkify: true });

let n = 0;
const ev = (minute: number, payload: EventPayload, actor = 'Ada'): IncidentEvent => ({ id: `e${++n}`, at: new Date(Date.UTC(2026, 10, 27, 14, minute)).toISOString(), actor, ...payload });

function incident(events: IncidentEvent[]): Incident {
  const view = foldIncident('INC-20261127-3F2A', events);
  assert.ok(view.ok, view.ok ? '' : view.reason);
  return view.value;
}

const HOSTILE = '**bold** _it_ [x](https://evil.example) <script>alert(1)</script> `code` | cell | ![img](https://evil.example/i.png) &lt;b&gt;';

describe('incident post-mortem', () => {
  it('drafts summary, impact, duration, every event in time order with elapsed time, root cause, action items and the review headings', () => {
    const text = postmortem(
      incident([
        ev(0, { type: 'declared', title: 'Payment Gateway Down', severity: 'SEV1', impact: { level: 'high', summary: 'card payments fail' }, commander: 'Ada', warRoom: 'https://meet.example.com/inc-42' }),
        // Written late but happened earlier: the draft puts it in time order, keeping its number.
        ev(20, { type: 'deploy-succeeded', target: 'production', image: 'app:1.10.1' }),
        ev(12, { type: 'status-changed', to: 'identified', reason: 'bad deploy' }, 'Bo'),
        ev(30, { type: 'status-changed', to: 'monitoring' }),
        ev(75, { type: 'resolved', rootCause: 'A null order\nreached pricing.', actionItems: [{ text: 'validate orders', owner: 'ada' }, { text: 'alert on 5xx' }] }, 'Cy'),
      ]),
    );
    for (const heading of ['## Summary', '## Impact', '## Duration', '## Timeline', '## Root cause', '## Action items', '## What went well', '## What went badly', '## Where we got lucky']) {
      assert.ok(text.includes(`\n${heading}\n`), heading);
    }
    assert.match(text, /^# Post-mortem: Payment Gateway Down \(INC-20261127-3F2A\)/);
    assert.match(text, /- \*\*Severity:\*\* SEV1 \(Major/);
    assert.match(text, /- \*\*Impact:\*\* high: card payments fail/);
    assert.match(text, /- \*\*War room:\*\* <https:\/\/meet\.example\.com\/inc-42>/);
    assert.match(text, /\*\*Declared to resolved:\*\* 1h 15m \(2026-11-27 14:00 UTC to 2026-11-27 15:15 UTC\)/);
    assert.match(text, /\*\*Time to identified:\*\* 12m\n- \*\*Time to monitoring:\*\* 30m/);
    const timeline = text.split('## Timeline')[1]?.split('## Root cause')[0] ?? '';
    assert.deepEqual(
      timeline.split('\n').filter((l) => l.startsWith('- ')).map((l) => /^- \*\*(.+?)\*\* \((.+?)\) (#\d)/.exec(l)?.slice(1).join(' ')),
      ['2026-11-27 14:00:00 +0s #1', '14:12:00 +12m #3', '14:20:00 +20m #2', '14:30:00 +30m #4', '15:15:00 +1h 15m #5'],
    );
    assert.match(timeline, /#3 Bo: Status: identified \(bad deploy\)/);
    assert.match(text, /## Root cause\n\nA null order {2}\nreached pricing\./);
    assert.match(text, /- \[ \] validate orders \(owner: @ada\)\n- \[ \] alert on 5xx \(owner: _to assign_\)/);
    assert.equal(text.match(/_To fill in\._/g)?.length, 3);
  });

  it('says an open incident is still open and counts its duration up to now', () => {
    const text = postmortem(incident([ev(0, { type: 'declared', title: 't', severity: 'SEV3', impact: { level: 'low' } })]), { now: new Date('2026-11-27T14:45:00Z') });
    assert.match(text, /\*\*Open for:\*\* 45m so far/);
    assert.match(text, /\*\*Resolved:\*\* not yet/);
    assert.match(text, /## Root cause\n\n_Not recorded yet/);
    assert.match(text, /## Action items\n\n_None recorded/);
  });

  it('renders hostile titles, notes, names, root causes and action items as the text typed', () => {
    const note = ev(5, { type: 'note', text: `${HOSTILE}\n# not a heading\n1. not a list\n- not a bullet\n===\n    not code` });
    const text = postmortem(
      incident([
        ev(0, { type: 'declared', title: HOSTILE, severity: 'SEV0', impact: { level: 'critical', summary: HOSTILE }, commander: '[Ada](https://evil.example)', components: ['<img src=x onerror=alert(1)>'] }),
        note,
        ev(6, { type: 'correction', corrects: note.id, text: '<iframe src=https://evil.example>' }),
        ev(9, { type: 'resolved', rootCause: HOSTILE, actionItems: [{ text: HOSTILE, owner: 'evil_owner' }] }, '<b>Mallory</b>'),
      ]),
    );
    const html = md.render(text);
    for (const tag of ['<script', '<strong>bold', '<em>it', '<img', '<iframe', '<code>code', '<table', '<b>Mallory', '<h1>not a heading', '<ol', '<pre']) {
      assert.ok(!html.includes(tag), `${tag} in\n${html}`);
    }
    // What the reader sees is what was typed.
    const visible = html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    assert.ok(visible.includes('**bold** _it_ [x](https://evil.example) <script>alert(1)</script> `code` | cell | ![img](https://evil.example/i.png) &lt;b&gt;'), visible);
    assert.ok(visible.includes('# not a heading'));
    assert.ok(visible.includes('<b>Mallory</b>'));
    // A bare URL someone typed may become a link (GitHub and linkify do that), but never one whose
    // text hides where it goes: `[x](…)` stays text, and every link shows its own address.
    const links = [...html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]]);
    assert.ok(links.length > 0);
    for (const [href, label] of links) assert.equal(label, href);
    assert.equal((html.match(/<a /g) ?? []).length, links.length);
  });

  it('escapes Markdown per line and keeps real links as autolinks only when clean', () => {
    assert.equal(escapeMarkdown('a *b*\n_c_ [d](e) <f> & g|h ~i~ `j` \\k'), 'a \\*b\\* \\_c\\_ \\[d\\](e) &lt;f&gt; &amp; g\\|h \\~i\\~ \\`j\\` \\\\k');
    assert.equal(escapeMarkdown('# title'), '\\# title');
    assert.equal(escapeMarkdown('12. step'), '12\\. step');
    assert.equal(escapeMarkdown('- item'), '\\- item');
    assert.equal(escapeMarkdownBlock('one\n+ two\n\n\n3) three', '  '), 'one  \n  \\+ two\n\n  3\\) three');
    assert.equal(markdownLink('https://meet.example.com/x?a=1'), '<https://meet.example.com/x?a=1>');
    assert.equal(markdownLink('https://x.example/<b>'), 'https://x.example/&lt;b&gt;');
  });

  it('formats durations for people', () => {
    assert.deepEqual([45_000, 12 * 60_000, 125 * 60_000, (27 * 60 + 7) * 60_000, -5].map(formatDuration), ['45s', '12m', '2h 05m', '1d 3h 07m', '0s']);
  });

  it('lists a GitOps auto-sync still paused for the incident as an action item, once, and not one restored since', () => {
    const declared = ev(0, { type: 'declared', title: 'Checkout 500s', severity: 'SEV1', impact: { level: 'high' } });
    const paused = (object: string) => ev(5, { type: 'gitops-paused', target: 'production', object, previous: '{"selfHeal":true}', restore: 'incident resolve' });
    const open = postmortem(incident([declared, paused('Argo CD Application argocd/web'), paused('Flux Kustomization flux-system/apps'), ev(9, { type: 'gitops-restored', target: 'production', object: 'Flux Kustomization flux-system/apps' })]));
    const items = open.split('\n').filter((l) => l.startsWith('- [ ] '));
    assert.equal(items.length, 1, items.join('\n'));
    assert.match(items[0] ?? '', /^- \[ \] Restore auto-sync of Argo CD Application argocd\/web \(still paused when this draft was made\): restore GitOps auto-sync of target production \(owner: _to assign_\)$/);

    // Kept paused at the resolution: already an action item, not listed twice.
    const kept = postmortem(incident([declared, paused('Argo CD Application argocd/web'), ev(20, { type: 'resolved', rootCause: 'x', actionItems: [{ text: 'Restore auto-sync of Argo CD Application argocd/web (kept): hotfix-deployer gitops restore --target=production' }] })]));
    assert.equal(kept.split('\n').filter((l) => l.includes('Restore auto-sync of Argo CD Application argocd/web')).length, 1);
  });
});

// The panel's front end (browser sandbox): two tabs, the incident timeline and the canary, fed only
// by the typed protocol in src/shared. Every string from the host is written as text, never HTML.

import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { type HostToWebview, isHostToWebview, PROTOCOL_VERSION } from '../src/shared/protocol';
import { CanaryTab } from './canary';
import { Announcer, h } from './dom';
import { Host } from './host';
import { IncidentTab } from './incident';

type Tab = 'timeline' | 'canary';
const TABS: readonly Tab[] = ['timeline', 'canary'];

const host = new Host();
const live = new Announcer();
const app = document.getElementById('app') ?? document.body.appendChild(h('div', { attrs: { id: 'app' } }));
const initialTab: Tab = host.state.tab ?? (app.dataset['tab'] === 'canary' ? 'canary' : 'timeline');

const incidentTab = new IncidentTab(host, live, host.state);
const canaryTab = new CanaryTab(host, live);
const versionNote = h('p', { class: 'note', attrs: { role: 'note' } });
versionNote.hidden = true;

const tabs = document.createElement('vscode-tabs');
tabs.setAttribute('aria-label', 'Hotfix panel');
for (const [label, content] of [['Incident timeline', incidentTab.el], ['Canary', canaryTab.el]] as const) {
  const header = document.createElement('vscode-tab-header');
  header.slot = 'header';
  header.textContent = label;
  const panel = document.createElement('vscode-tab-panel');
  panel.append(content);
  tabs.append(header, panel);
}
tabs.selectedIndex = TABS.indexOf(initialTab);
tabs.addEventListener('vsc-tabs-select', (e) => {
  const tab = TABS[e.detail.selectedIndex];
  if (tab && tab !== host.state.tab) host.update({ tab });
  requestAnimationFrame(fitTimeline);
});
app.replaceChildren(versionNote, tabs, live.el);

/** The timeline's viewport takes the height left in the window (set through the CSSOM). */
function fitTimeline(): void {
  const scroller = incidentTab.timeline.list.scroller;
  const top = scroller.getBoundingClientRect().top + window.scrollY;
  scroller.style.height = `${Math.max(200, Math.floor(window.innerHeight - top - 12))}px`;
}
window.addEventListener('resize', fitTimeline);
// Lit renders the header's components after the message handler returns: refit when they settle.
const refit = new ResizeObserver(() => fitTimeline());
for (const el of incidentTab.above) refit.observe(el);

function selectTab(tab: Tab): void {
  tabs.selectedIndex = TABS.indexOf(tab);
  if (tab !== host.state.tab) host.update({ tab });
  requestAnimationFrame(fitTimeline);
}

function handle(message: HostToWebview, received: number): void {
  switch (message.kind) {
    case 'hello':
      versionNote.textContent = `This panel speaks protocol ${PROTOCOL_VERSION} and the extension ${message.protocol}: reload the window.`;
      versionNote.hidden = message.protocol === PROTOCOL_VERSION;
      selectTab(message.tab);
      return;
    case 'incident': {
      incidentTab.show(message.incident, message.entries, message.note);
      fitTimeline();
      if (message.incident && message.incident.id !== host.state.incident) host.update({ incident: message.incident.id });
      const list = incidentTab.timeline.list;
      // After layout and paint of the first frame: what the reader waited for.
      requestAnimationFrame(() => {
        host.post({ kind: 'rendered', entries: list.length, rows: list.rendered, ms: Math.round((performance.now() - received) * 10) / 10 });
      });
      return;
    }
    case 'timeline-append':
      incidentTab.append(message.incident, message.entries);
      return;
    case 'canary':
      canaryTab.show(message.canary, message.note);
      if (message.canary && message.canary.target !== host.state.target) host.update({ target: message.canary.target });
      return;
    case 'reply':
      host.reply(message.id, { ok: message.ok, message: message.message });
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const received = performance.now();
  if (!isHostToWebview(event.data)) return; // not ours, or malformed: ignore
  try {
    handle(event.data, received);
  } catch (error) {
    // A message that passed the guard but is malformed deeper down must not kill the panel.
    console.error('[hotfix panel] could not show a message from the extension', error);
  }
});

requestAnimationFrame(fitTimeline);
host.post({ kind: 'ready', state: host.savedState });

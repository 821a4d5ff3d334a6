// Incidents in a real extension host: the palette commands with given inputs, the status bar item
// they drive (read through the extension's API: the host cannot read the workbench DOM), the
// Incidents view, and a change made outside VS Code (the CLI) picked up by the file watcher.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StatusBarState } from '../../src/extension/incident/status-bar';
import type { IncidentTreeNode } from '../../src/extension/views/incident-tree';
import { extension } from './manifest';

interface Outcome {
  readonly ok: boolean;
  readonly reason?: string;
  readonly value?: { readonly incident: { readonly id: string; readonly status: string } | string; readonly markdown?: string; readonly uri?: string };
}

function workspace(): string {
  const dir = process.env['HOTFIX_TEST_WORKSPACE'];
  assert.ok(dir, 'the launcher names the workspace repository');
  return dir;
}

/** The tooltip is Markdown with a person's text appended as text (escaped, spaces as &nbsp;): read it as a person does. */
const readable = (markdown: string): string => markdown.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>$|])/g, '$1');
const statusBar = async (): Promise<StatusBarState> => {
  const state = await extension().exports.incidentStatusBar();
  return { ...state, tooltip: readable(state.tooltip) };
};
const items = (parent?: IncidentTreeNode): Promise<IncidentTreeNode[]> => extension().exports.incidentTreeItems(parent);
/** A tree item's label as text (labels here are plain strings). */
const text = (node: IncidentTreeNode | undefined): string => (typeof node?.label === 'string' ? node.label : (node?.label?.label ?? ''));
const run = (command: string, args: object) => vscode.commands.executeCommand<Outcome>(command, args);
const idOf = (o: Outcome): string => {
  const incident = o.value?.incident;
  return typeof incident === 'string' ? incident : (incident?.id ?? '');
};

/** Polls until `check` holds: file events reach the extension asynchronously. */
async function eventually(check: (s: StatusBarState) => boolean, what: string, ms = 15000): Promise<StatusBarState> {
  const end = Date.now() + ms;
  let state = await statusBar();
  while (Date.now() < end) {
    state = await statusBar();
    if (check(state)) return state;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`${what}; the status bar showed ${JSON.stringify(state)}`);
}

describe('extension host: incidents in the status bar and the Incidents view', () => {
  let payments = '';

  before(async () => {
    await extension().activate();
    await extension().exports.repositories();
  });

  it('shows no incident item while none is open', async () => {
    const state = await statusBar();
    assert.equal(state.visible, false, JSON.stringify(state));
  });

  it('Declare Incident with given inputs shows the item with severity, title, elapsed time and status', async () => {
    const declared = await run('hotfixDeployer.declareIncident', { severity: 'sev1', title: 'Payment Gateway Down', impact: 'high: card payments fail', commander: 'Ada Oncall' });
    assert.equal(declared.ok, true, JSON.stringify(declared));
    payments = idOf(declared);
    const state = await statusBar();
    assert.equal(state.visible, true);
    assert.match(state.text, /^\$\(flame\) SEV1 Payment Gateway Down · (<1m|1m) · investigating$/);
    assert.equal(state.background, 'statusBarItem.errorBackground');
    assert.equal(state.command, 'hotfixDeployer.openPanel');
    assert.equal(state.incident, payments);
    assert.match(state.tooltip, /Commander: Ada Oncall/);
  });

  it('Update Incident changes the status and the ETA shown', async () => {
    const updated = await run('hotfixDeployer.updateIncident', { status: 'identified', eta: '15 minutes', note: 'rollback in progress' });
    assert.equal(updated.ok, true, JSON.stringify(updated));
    const state = await statusBar();
    assert.match(state.text, /· identified$/);
    assert.match(state.tooltip, /ETA: 15 minutes/);
    assert.match(state.tooltip, /Last update <?1m ago: /);
  });

  it('the Incidents view lists it with its latest events, newest first', async () => {
    const nodes = await items();
    const node = nodes.find((n) => n.label === 'SEV1 Payment Gateway Down');
    assert.ok(node, `the view showed: ${nodes.map(text).join(' | ')}`);
    assert.equal(node.contextValue, 'hotfix.incident.open');
    assert.match(String(node.description), /^identified · /);
    const events = await items(node);
    const latest = events.slice(0, 3).map(text);
    assert.ok(latest.includes('Status: identified (rollback in progress)'), latest.join(' | '));
    assert.ok(latest.some((l) => l.startsWith('ETA: 15 minutes')), latest.join(' | '));
    assert.match(text(events[events.length - 1]), /^Declared SEV1 "Payment Gateway Down"/);
  });

  it("a hotfix branch and a deploy made from the palette land in the open incident's timeline", async function () {
    if (process.env['HOTFIX_TEST_CLUSTER'] !== '1') this.skip();
    const created = await run('hotfixDeployer.createHotfix', { issue: 'PROD-3100', title: 'card retry', stash: true });
    assert.equal(created.ok, true, JSON.stringify(created));
    const deployed = await run('hotfixDeployer.deploy', { target: 'staging', image: 'checkout:1.4.9', confirmed: true });
    assert.equal(deployed.ok, true, JSON.stringify(deployed));
    const file = path.join(workspace(), '.git', 'hotfix', 'incidents', `${payments}.json`);
    const timeline = readFileSync(file, 'utf8');
    for (const type of ['hotfix-created', 'deploy-started', 'deploy-succeeded']) assert.match(timeline, new RegExp(`"type":\\s*"${type}"`), type);
  });

  it('a second, less severe incident adds +1 and keeps the most severe; a hostile title stays text', async () => {
    const second = await run('hotfixDeployer.declareIncident', { severity: 'sev2', title: '<b>$(zap) *search* [x](http://evil)</b>', impact: 'low' });
    assert.equal(second.ok, true, JSON.stringify(second));
    const state = await statusBar();
    assert.match(state.text, /^\$\(flame\) SEV1 Payment Gateway Down · .* · identified \+1$/);
    const raw = (await extension().exports.incidentStatusBar()).tooltip;
    assert.ok(!raw.includes('](http://evil)'), raw); // supportHtml is off, so <b> shows as text
    assert.match(state.tooltip, /Also open:\n\n- SEV2 <b>\\?\$\(zap\) \*search\* \[x\]\(http:\/\/evil\)<\/b> · investigating/);
    const nodes = await items();
    assert.equal(nodes[0]?.label, 'SEV1 Payment Gateway Down', 'most severe first');
    const resolved = await run('hotfixDeployer.resolveIncident', { id: idOf(second), rootCause: 'a slow index' });
    assert.equal(resolved.ok, true, JSON.stringify(resolved));
    assert.doesNotMatch((await statusBar()).text, /\+1/);
  });

  it('an ambiguous or illegal update is refused with the engine reason', async () => {
    const illegal = await run('hotfixDeployer.updateIncident', { id: payments, status: 'resolved' });
    assert.equal(illegal.ok, false);
    assert.match(String(illegal.reason), /root cause/);
  });

  it('Draft Post-Mortem opens the Markdown in an untitled editor', async () => {
    const drafted = await run('hotfixDeployer.draftPostmortem', { id: payments });
    assert.equal(drafted.ok, true, JSON.stringify(drafted));
    assert.match(String(drafted.value?.markdown), /Payment Gateway Down/);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.languageId, 'markdown');
    assert.equal(editor?.document.isUntitled, true);
    assert.match(editor?.document.getText() ?? '', /Payment Gateway Down/);
  });

  it('Resolve Incident hides the item; the view shows it resolved', async () => {
    const resolved = await run('hotfixDeployer.resolveIncident', { rootCause: 'null order from the mobile app', actionItems: 'validate orders @ada' });
    assert.equal(resolved.ok, true, JSON.stringify(resolved));
    const state = await statusBar();
    assert.equal(state.visible, false, JSON.stringify(state));
    const node = (await items()).find((n) => n.label === 'SEV1 Payment Gateway Down');
    assert.equal(node?.contextValue, 'hotfix.incident.resolved');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('an incident declared from a terminal (the CLI) appears through the file watcher, without a colour for SEV3', async () => {
    const cli = path.join(extension().extensionPath, 'dist', 'cli.js');
    const hotfix = (...args: string[]) => execFileSync(process.execPath, [cli, 'incident', ...args, `--repo=${workspace()}`], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    hotfix('create', '--severity=sev3', '--title=Cache warm-up slow', '--impact=low');
    const state = await eventually((s) => s.visible && s.text.includes('SEV3 Cache warm-up slow'), 'the CLI incident in the status bar');
    assert.equal(state.background, undefined);
    hotfix('resolve', '--root-cause=cold cache after deploy');
    await eventually((s) => !s.visible, 'the item hidden after the CLI resolved it');
  });
});

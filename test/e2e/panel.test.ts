// The incident timeline and canary panel in a real extension host: opened from the palette and from
// the status bar item, the page (the real webview bundle under its CSP) renders and reports back,
// and a new incident event reaches it without reopening. The host cannot read the webview's DOM:
// it reads what the panel's host sent and what the page reported (`rendered`); the UI tier reads the DOM.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PanelProbe } from '../../src/extension/panel/panel';
import { extension } from './manifest';

interface Outcome {
  readonly ok: boolean;
  readonly reason?: string;
  readonly value?: { readonly incident: { readonly id: string } | string };
}
const run = (command: string, args: object) => vscode.commands.executeCommand<Outcome>(command, args);
const probe = (): PanelProbe => extension().exports.panel();

async function eventually(check: (p: PanelProbe) => boolean, what: string, ms = 20000): Promise<PanelProbe> {
  const end = Date.now() + ms;
  for (;;) {
    const p = probe();
    if (check(p)) return p;
    if (Date.now() > end) assert.fail(`${what}; the panel showed ${JSON.stringify(p)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('extension host: the incident timeline panel', function () {
  this.timeout(60_000);
  let id = '';
  // The panel's host lives as long as the extension: messages other files refused are counted already.
  let ignoredBefore = 0;
  before(async () => {
    await extension().activate();
    await extension().exports.repositories();
    ignoredBefore = probe().ignored;
    const declared = await run('hotfixDeployer.declareIncident', { severity: 'sev0', title: '<img src=x onerror=alert(1)> checkout down', impact: 'critical', commander: 'Ada Oncall' });
    assert.equal(declared.ok, true, JSON.stringify(declared));
    const incident = declared.value?.incident;
    id = typeof incident === 'string' ? incident : (incident?.id ?? '');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await run('hotfixDeployer.resolveIncident', { id, rootCause: 'panel test done' });
  });

  it('Open Incident Timeline opens the panel on the incident, and the page renders every event', async () => {
    const opened = await run('hotfixDeployer.openPanel', { incident: id });
    assert.equal(opened.ok, true, JSON.stringify(opened));
    // The page's report may still be of what the panel showed before (another file's incident): the
    // page has caught up once it reports as many entries as the host sent for this incident.
    const shown = await eventually((p) => p.incident?.id === id && p.entries > 0 && p.rendered?.entries === p.entries, 'the page should render every event of the incident');
    assert.equal(shown.open, true);
    assert.equal(shown.incident?.title, '<img src=x onerror=alert(1)> checkout down', 'sent as the text it is');
    assert.equal(shown.incident?.severity, 'SEV0');
    assert.deepEqual(shown.incident?.nextStatuses, ['identified', 'monitoring']);
    assert.ok((shown.rendered?.rows ?? 0) >= 1, JSON.stringify(shown.rendered));
    assert.equal(shown.ignored, ignoredBefore, 'the page sent nothing outside the protocol');
  });

  it('a new event reaches the open panel without reopening it', async () => {
    const before = probe().entries;
    const updated = await run('hotfixDeployer.updateIncident', { id, note: 'rolling back checkout' });
    assert.equal(updated.ok, true, JSON.stringify(updated));
    await eventually((p) => p.entries === before + 1, 'the note should reach the panel');
  });

  it('hidden behind an editor and shown again, the page is made anew and shows the incident again', async () => {
    const shown = probe();
    assert.ok(shown.column !== undefined, 'the panel has a column');
    const doc = await vscode.workspace.openTextDocument({ content: 'hide the panel' });
    await vscode.window.showTextDocument(doc, { viewColumn: shown.column, preview: false });
    await eventually((p) => !p.visible, 'the panel should be hidden');
    const renders = probe().renders;
    await run('hotfixDeployer.openPanel', { incident: id });
    await eventually((p) => p.visible && p.renders > renders && p.incident?.id === id, 'the page should render the incident again');
  });

  it('the status bar item opens the panel on its incident', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually((p) => !p.open, 'the panel should close');
    const item = await extension().exports.incidentStatusBar();
    assert.equal(item.command, 'hotfixDeployer.openPanel');
    assert.equal(item.incident, id, 'the SEV0 is the most severe open incident');
    await vscode.commands.executeCommand(item.command, { incident: item.incident });
    await eventually((p) => p.open && p.incident?.id === id, 'the status bar command should open the panel');
  });

  it('Show Canary Progress follows a canary running in this window; Pause from the page stops it at a safe point', async function () {
    if (process.env['HOTFIX_TEST_CLUSTER'] !== '1') this.skip();
    // Steps 50 then 100, a 60 s pause at each: the deploy sits in step 1 until paused.
    const running = vscode.commands.executeCommand<{ ok: boolean; reason: string }>('hotfixDeployer.deploy', { target: 'web', image: 'web:2.2', confirmed: true });
    const opened = await run('hotfixDeployer.showCanary', { target: 'web' });
    assert.equal(opened.ok, true, JSON.stringify(opened));
    await eventually((p) => p.canaryStep === 'step 1 of 2 (50%) paused', 'the panel should follow the canary into its first pause', 45_000);
    const ignoredBefore = probe().ignored;
    await extension().exports.panelMessage({ kind: 'canary-action', id: 'x', action: 'drop-tables', target: 'web' });
    assert.equal(probe().ignored, ignoredBefore + 1, 'an action outside the protocol is ignored');
    await extension().exports.panelMessage({ kind: 'canary-action', id: 'p1', action: 'pause', target: 'web' });
    const stopped = await running;
    assert.equal(stopped.ok, false);
    assert.match(stopped.reason, /^stopped: /, 'the deploy stopped at a safe point, resumable');
    // Resumable: the palette's Abort puts traffic back on stable.
    const aborted = await run('hotfixDeployer.abortCanary', { target: 'web', confirmed: true });
    assert.equal(aborted.ok, true, JSON.stringify(aborted));
  });
});

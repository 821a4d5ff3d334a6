// What the panel and the commands act on is a repository open in this window, whatever a message or an
// options object names: a foreign git repository (a temp one, never opened here) carries a copy of the
// shown incident and a validation suite that would leave a marker. The page's `state` naming it, or a
// target its config lacks, is dropped; the page's note then goes to the shown repository; a command
// naming it does nothing there.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
const post = (message: object) => extension().exports.panelMessage(message);

async function eventually(check: (p: PanelProbe) => boolean, what: string, ms = 20_000): Promise<PanelProbe> {
  const end = Date.now() + ms;
  for (;;) {
    const p = probe();
    if (check(p)) return p;
    if (Date.now() > end) assert.fail(`${what}; the panel showed ${JSON.stringify(p)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('extension host guards: the panel and the commands act only on repositories open in the window', function () {
  this.timeout(60_000);
  const foreign = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'foreign-repo-')));
  const suiteMarker = path.join(foreign, '..', `${path.basename(foreign)}-suite-ran`);
  let root = '';
  let id = '';
  let foreignIncident = '';
  const foreignFile = () => readFileSync(foreignIncident, 'utf8');

  before(async () => {
    await extension().activate();
    [root = ''] = await extension().exports.repositories();
    const declared = await run('hotfixDeployer.declareIncident', { severity: 'sev3', title: 'Panel subject check', impact: 'low' });
    assert.equal(declared.ok, true, JSON.stringify(declared));
    const incident = declared.value?.incident;
    id = typeof incident === 'string' ? incident : (incident?.id ?? '');
    // The foreign repository: its own target and suite, and the same incident id in its own store.
    const git = (...args: string[]) => execFileSync('git', args, { cwd: foreign, stdio: ['ignore', 'pipe', 'pipe'] });
    git('init', '--quiet', '--initial-branch=production');
    git('config', 'user.name', 'Mallory');
    git('config', 'user.email', 'mallory@example.com');
    writeFileSync(path.join(foreign, 'README'), 'not open in the window\n');
    git('add', 'README');
    git('commit', '--quiet', '-m', 'init');
    mkdirSync(path.join(foreign, '.hotfix'));
    writeFileSync(path.join(foreign, '.hotfix', 'config.yaml'),
      `targets:\n  intruder:\n    namespace: shop\n    app: checkout\nvalidate:\n  evil:\n    - name: evil\n      run: ["/bin/sh", "-c", "touch '${suiteMarker}'"]\n`);
    foreignIncident = path.join(foreign, '.git', 'hotfix', 'incidents', `${id}.json`);
    mkdirSync(path.dirname(foreignIncident), { recursive: true });
    copyFileSync(path.join(root, '.git', 'hotfix', 'incidents', `${id}.json`), foreignIncident);

    const opened = await run('hotfixDeployer.openPanel', { incident: id });
    assert.equal(opened.ok, true, JSON.stringify(opened));
    await eventually((p) => p.incident?.id === id && p.subject.root === root, 'the panel should show the incident');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await run('hotfixDeployer.resolveIncident', { id, rootCause: 'panel subject test done' });
    rmSync(foreign, { recursive: true, force: true });
    rmSync(suiteMarker, { force: true });
  });

  it("drops a `state` naming a foreign repository or an unknown target; the page's note goes to the shown repository", async () => {
    const before = foreignFile();
    const ignored = probe().ignored;
    const entries = probe().entries;
    await post({ kind: 'state', state: { root: foreign, target: 'intruder', incident: id, tab: 'timeline' } });
    // The page's action right after: it uses the panel's root.
    await post({ kind: 'add-note', id: 'n1', incident: id, text: 'written from the page' });
    assert.equal(foreignFile(), before, 'nothing was recorded in the foreign repository');
    assert.equal(existsSync(path.join(foreign, '.git', 'hotfix', 'audit.jsonl')), false, 'no audit record there either');
    assert.equal(probe().subject.root, root, 'the foreign root was not taken');
    assert.notEqual(probe().subject.target, 'intruder');
    assert.equal(probe().ignored, ignored + 1, 'the message was counted as rejected');
    await eventually((p) => p.entries === entries + 1, 'the note should reach the shown incident');

    await post({ kind: 'state', state: { target: 'no-such-target' } });
    assert.notEqual(probe().subject.target, 'no-such-target', 'a target the shown repository lacks was not taken');
    assert.equal(probe().ignored, ignored + 2);
  });

  it('a command naming a repository that is not open in the window does nothing there', async () => {
    const before = foreignFile();
    const updated = await run('hotfixDeployer.updateIncident', { root: foreign, id, note: 'from another extension' });
    assert.equal(updated.ok, false, JSON.stringify(updated));
    assert.equal(foreignFile(), before);
    const config = readFileSync(path.join(foreign, '.hotfix', 'config.yaml'), 'utf8');
    const setUp = await run('hotfixDeployer.setUpRepository', { root: foreign, skipCluster: true, overwrite: true });
    assert.equal(setUp.ok, false, JSON.stringify(setUp));
    assert.equal(readFileSync(path.join(foreign, '.hotfix', 'config.yaml'), 'utf8'), config, 'its configuration was not replaced');
    const validated = await run('hotfixDeployer.validate', { root: foreign, target: 'intruder', suite: 'evil' });
    assert.equal(validated.ok, false, JSON.stringify(validated));
    assert.equal(existsSync(suiteMarker), false, "the foreign repository's suite ran");
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HotfixNode } from '../../src/extension/views/hotfix-nodes';
import { extension } from './manifest';

const BRANCH = 'hotfix/PROD-2847-payment-null-pointer';

function workspace(): string {
  const dir = process.env['HOTFIX_TEST_WORKSPACE'];
  assert.ok(dir, 'the launcher names the workspace repository');
  return dir;
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace(), encoding: 'utf8' }).trim();

async function items(parent?: HotfixNode): Promise<HotfixNode[]> {
  return extension().exports.hotfixTreeItems(parent);
}

/** Polls the Hotfixes view until `check` holds: the view refreshes from file events, not on a timer. */
async function eventually(check: (nodes: HotfixNode[]) => boolean, what: string, ms = 15000): Promise<HotfixNode[]> {
  const end = Date.now() + ms;
  let nodes: HotfixNode[] = [];
  while (Date.now() < end) {
    nodes = await items();
    if (check(nodes)) return nodes;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`${what}; the view showed: ${nodes.map((n) => `${JSON.stringify(n.label)} [${String(n.description)}]`).join(' | ')}`);
}

const labelled = (nodes: HotfixNode[], label: string) => nodes.find((n) => n.label === label);

describe('extension host: hotfix branches in a real repository', () => {
  before(async () => {
    await extension().activate();
  });

  it('shows the production baseline from the release tag', async () => {
    const nodes = await eventually((n) => labelled(n, 'production · v1.4.0') !== undefined, 'a baseline node for v1.4.0');
    assert.equal(labelled(nodes, 'production · v1.4.0')?.contextValue, 'hotfix.baseline');
  });

  it('Create Hotfix Branch with given inputs creates and checks out the branch, and the view lists it', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; value: { branch: string } }>('hotfixDeployer.createHotfix', {
      issue: 'PROD-2847',
      title: 'payment null pointer',
      severity: 'sev1',
    });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(git('symbolic-ref', '--short', 'HEAD'), BRANCH);
    assert.equal(git('rev-parse', 'HEAD'), git('rev-parse', 'v1.4.0^{commit}'));
    const nodes = await eventually((n) => labelled(n, BRANCH) !== undefined, 'the new branch in the view');
    const branch = labelled(nodes, BRANCH);
    assert.equal(branch?.contextValue, 'hotfix.branch.current');
    assert.equal(branch?.description, 'PROD-2847 · SEV1 · 0 ahead · local only');
  });

  it('refreshes when a commit lands from outside VS Code, and lists the commit under the branch', async () => {
    // Let refreshes from the create settle and the view cache its state, so only a file event can change it.
    await new Promise((r) => setTimeout(r, 1000));
    assert.match(String(labelled(await items(), BRANCH)?.description), /0 ahead/);
    writeFileSync(path.join(workspace(), 'app.js'), 'module.exports = (order) => order?.total ?? 0;\n');
    git('commit', '--quiet', '-am', 'fix: guard a null order');
    const nodes = await eventually((n) => String(labelled(n, BRANCH)?.description).includes('1 ahead'), 'the branch one commit ahead');
    const branch = labelled(nodes, BRANCH);
    assert.ok(branch);
    const commits = await items(branch);
    assert.deepEqual(commits.map((c) => c.label), ['fix: guard a null order']);
  });

  it('is told of a change only once it is loaded: its top level answers at once, so an expanded row cannot lose its children meanwhile', async () => {
    // VS Code drops a view's nodes while it asks for the top level again; a row's children asked for
    // in that window are "not found" and stay empty (an expanded finish showed no requests).
    await items();
    const answers: boolean[] = [];
    const listening = extension().exports.onHotfixTreeChange(() => {
      let answered = false;
      void items().then(() => (answered = true));
      setImmediate(() => answers.push(answered));
    });
    try {
      git('tag', 'probe-refresh');
      const end = Date.now() + 15000;
      while (answers.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      assert.ok(answers.length > 0, 'the view was told of the new tag');
      assert.ok(answers.every(Boolean), `every time it was told, the top level was ready: ${answers.join(', ')}`);
    } finally {
      listening.dispose();
      git('tag', '-d', 'probe-refresh');
    }
  });

  it('Finish Hotfix merges, tags v1.4.1, pushes, and the view moves on', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean }>('hotfixDeployer.finishHotfix', { push: true });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(git('rev-parse', 'v1.4.1^{commit}'), git('rev-parse', 'production'));
    assert.equal(git('ls-remote', 'origin', 'refs/tags/v1.4.1').length > 0, true, 'the tag is pushed');
    assert.equal(git('branch', '--list', BRANCH), '');
    await eventually((n) => labelled(n, 'production · v1.4.1') !== undefined && labelled(n, BRANCH) === undefined, 'the new baseline, without the finished branch');
  });

  it('a conflicting finish shows where it stopped; Abort Finish puts everything back', async () => {
    git('switch', '--quiet', 'develop');
    writeFileSync(path.join(workspace(), 'app.js'), 'module.exports = (order) => order.total * order.rate;\n');
    git('commit', '--quiet', '-am', 'feature: rates');
    git('switch', '--quiet', 'production');
    const created = await vscode.commands.executeCommand<{ ok: boolean }>('hotfixDeployer.createHotfix', { issue: 'PROD-2900', title: 'rounding' });
    assert.equal(created.ok, true);
    writeFileSync(path.join(workspace(), 'app.js'), 'module.exports = (order) => Math.round(order.total);\n');
    git('commit', '--quiet', '-am', 'fix: round totals');
    const before = git('for-each-ref', '--format=%(refname) %(objectname)');

    const stopped = await vscode.commands.executeCommand<{ ok: boolean; reason: string }>('hotfixDeployer.finishHotfix', { push: false });
    assert.equal(stopped.ok, false);
    assert.equal(stopped.reason, 'stopped at merge:develop');
    const nodes = await eventually((n) => n.some((node) => node.contextValue === 'hotfix.finish.stopped'), 'a stopped finish in the view');
    const finish = nodes.find((node) => node.contextValue === 'hotfix.finish.stopped');
    assert.match(String(finish?.description), /conflicts in app\.js/);

    const aborted = await vscode.commands.executeCommand<{ ok: boolean }>('hotfixDeployer.abortFinish', { confirm: false });
    assert.equal(aborted.ok, true);
    assert.equal(git('for-each-ref', '--format=%(refname) %(objectname)'), before);
    await eventually((n) => !n.some((node) => node.contextValue?.startsWith('hotfix.finish.')), 'no finish in the view after the abort');
  });

  it('Verify Audit Log finds the chain intact after those actions, then names a line edited by hand', async () => {
    const intact = await vscode.commands.executeCommand<{ ok: boolean; records: number }>('hotfixDeployer.verifyAudit');
    assert.equal(intact.ok, true, JSON.stringify(intact));
    assert.ok(intact.records >= 5, `records: ${intact.records}`);
    const file = path.join(workspace(), '.git', 'hotfix', 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = (lines[1] ?? '').replace('"actor":"Ada Oncall', '"actor":"Mallory');
    assert.match(lines[1] ?? '', /Mallory/, 'the second record was edited');
    writeFileSync(file, lines.join('\n'));
    const broken = await vscode.commands.executeCommand<{ ok: boolean; line: number }>('hotfixDeployer.verifyAudit');
    assert.equal(broken.ok, false);
    assert.equal(broken.line, 2);
  });
});

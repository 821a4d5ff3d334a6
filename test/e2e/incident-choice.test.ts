// Several incidents open: Deploy… asks which one the deploy belongs to (a quick pick of the open ones
// and "No incident"), records it there only, and dismissing the question deploys nothing. The CLI
// refuses the same situation without --incident (test/integration/careless-user.test.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extension } from './manifest';

type Outcome = { readonly ok: boolean; readonly reason?: string; readonly value?: { incident?: string | { id: string } } };

const incidentsDir = () => path.join(process.env['HOTFIX_TEST_WORKSPACE'] ?? '', '.git', 'hotfix', 'incidents');

/** The event types of an incident's stored timeline. */
function eventTypes(id: string): string[] {
  const file = readdirSync(incidentsDir()).find((f) => f.startsWith(id));
  assert.ok(file, `the file of ${id}`);
  return (JSON.parse(readFileSync(path.join(incidentsDir(), file), 'utf8')) as { events: { type: string }[] }).events.map((e) => e.type);
}

/** Runs the command; when its quick pick shows, `answer` (accept the first item, or close it). */
async function runAnswering(command: string, args: object, answer: 'first' | 'dismiss'): Promise<Outcome> {
  let done = false;
  const running = Promise.resolve(vscode.commands.executeCommand<Outcome>(command, args)).finally(() => (done = true));
  const end = Date.now() + 60_000;
  // The pick opens after the target is read; answer until the command returns.
  await new Promise((r) => setTimeout(r, 1500));
  while (!done && Date.now() < end) {
    await vscode.commands.executeCommand(answer === 'first' ? 'workbench.action.acceptSelectedQuickOpenItem' : 'workbench.action.closeQuickOpen');
    await new Promise((r) => setTimeout(r, 500));
  }
  return running;
}

describe('extension host: several incidents open, the deploy asks which', function () {
  this.timeout(120_000);
  let sev0 = '';
  let sev3 = '';

  before(async function () {
    if (process.env['HOTFIX_TEST_CLUSTER'] !== '1') throw new Error('no test cluster: the launcher starts one unless HOTFIX_HOST_CLUSTER=0');
    await extension().activate();
    await extension().exports.repositories();
    // The most severe and newest comes first in the pick: a SEV0 declared now.
    const first = await vscode.commands.executeCommand<Outcome>('hotfixDeployer.declareIncident', { severity: 'sev3', title: 'Choice: a minor one', impact: 'low' });
    const second = await vscode.commands.executeCommand<Outcome>('hotfixDeployer.declareIncident', { severity: 'sev0', title: 'Choice: checkout down', impact: 'high' });
    assert.ok(first.ok && second.ok);
    const id = (o: Outcome) => {
      const incident = o.value?.incident;
      return typeof incident === 'string' ? incident : (incident?.id ?? '');
    };
    sev0 = id(second);
    sev3 = id(first);
    assert.ok(sev0 && sev3, JSON.stringify([first, second]));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    // The files after this one start with no incident open, as they expect.
    for (const id of [sev0, sev3].filter((i) => i !== '')) {
      await vscode.commands.executeCommand('hotfixDeployer.resolveIncident', { id, rootCause: 'a test of the incident choice', actionItems: 'none' });
    }
  });

  it('dismissing the question deploys nothing', async () => {
    const result = await runAnswering('hotfixDeployer.deploy', { target: 'staging', image: 'checkout:1.4.7', confirmed: true }, 'dismiss');
    assert.deepEqual(result, { ok: false, reason: 'cancelled' });
    assert.ok(!eventTypes(sev0).includes('deploy-started'));
  });

  it('the one chosen gets the deploy in its timeline, and it alone', async () => {
    const others = readdirSync(incidentsDir()).map((f) => f.replace(/\.json$/, '')).filter((id) => id !== sev0);
    const before = new Map(others.map((id) => [id, eventTypes(id).length]));
    const result = await runAnswering('hotfixDeployer.deploy', { target: 'staging', image: 'checkout:1.4.7', confirmed: true }, 'first');
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(eventTypes(sev0).filter((t) => t.startsWith('deploy')), ['deploy-started', 'deploy-succeeded']);
    for (const id of others) assert.equal(eventTypes(id).length, before.get(id), `${id} is unchanged`);
  });
});

// A protected target's typed confirmation cannot be skipped from outside: executeCommand with
// `confirmed: true` (as any extension or a link could send it) still asks for the name, and answering
// nothing (the input closed) writes nothing to the cluster. Malformed options are refused unasked.
// The target `production` (protected) is added to the workspace's config for this file only, and read
// at once: the view's kept opening of the repository, made before the edit, does not hide it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse, stringify } from 'yaml';
import type { DeployNode } from '../../src/extension/views/deploy-tree';
import { extension } from './manifest';

type Outcome = { readonly ok: boolean; readonly reason?: string };

/** The live rows of a target (production unless told), as the Deployments view shows them. */
async function rows(target = 'production'): Promise<string[]> {
  const items = (parent?: DeployNode) => extension().exports.deploymentTreeItems(parent);
  const node = (await items()).find((n) => n.label === target);
  assert.ok(node, `${target} is listed`);
  if (target === 'production') assert.match(String(node.contextValue), /\+protected$/);
  return (await items(node)).map((n) => `${typeof n.label === 'string' ? n.label : ''} | ${String(n.description)}`);
}

/**
 * Runs the command and closes whatever quick input it opens (as Escape would) until it returns. With
 * `waitsMs`, first checks that the command is still waiting for the person after that long.
 */
async function runAndDismiss(command: string, args: object, waitsMs = 0): Promise<Outcome | undefined> {
  let done = false;
  const running = Promise.resolve(vscode.commands.executeCommand<Outcome>(command, args)).finally(() => (done = true));
  await new Promise((r) => setTimeout(r, waitsMs));
  if (waitsMs > 0 && done) assert.fail(`${command} should wait for the typed name; it returned ${JSON.stringify(await running)}`);
  const end = Date.now() + 60_000;
  while (!done && Date.now() < end) {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await new Promise((r) => setTimeout(r, 250));
  }
  return running;
}

describe('extension host guards: the typed confirmation of a protected target', function () {
  this.timeout(120_000);
  const configFile = () => path.join(process.env['HOTFIX_TEST_WORKSPACE'] ?? '', '.hotfix', 'config.yaml');
  let original = '';

  before(async function () {
    if (process.env['HOTFIX_TEST_CLUSTER'] !== '1') throw new Error('no test cluster: the launcher starts one unless HOTFIX_HOST_CLUSTER=0');
    await extension().activate();
    await extension().exports.repositories();
    // The view has read a target just now, so it keeps that opening of the repository (for 30 s).
    assert.match((await rows('staging'))[0] ?? '', /^checkout \| checkout:/, 'staging is read from the cluster');
    original = readFileSync(configFile(), 'utf8');
    const config = parse(original) as { targets: Record<string, unknown> };
    config.targets['production'] = { namespace: 'shop', app: 'checkout', protected: true };
    writeFileSync(configFile(), stringify(config));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    if (original !== '') writeFileSync(configFile(), original);
  });

  it('a target added to the file is read at once, before the file watcher reports the edit', async () => {
    assert.match((await rows())[0] ?? '', /^checkout \| checkout:/);
  });

  it('Deploy… from executeCommand with confirmed: true still asks for the name; unanswered, nothing is written', async () => {
    const before = await rows();
    const result = await runAndDismiss('hotfixDeployer.deploy', { target: 'production', image: 'checkout:9.9.9', confirmed: true }, 4000);
    assert.deepEqual(result, { ok: false, reason: 'cancelled' });
    assert.deepEqual(await rows(), before, 'the cluster is unchanged');
  });

  it('Rollback… from executeCommand with confirmed: true still asks for the name; unanswered, nothing is rolled back', async () => {
    const before = await rows();
    const result = await runAndDismiss('hotfixDeployer.rollback', { target: 'production', confirmed: true }, 4000);
    assert.deepEqual(result, { ok: false, reason: 'cancelled' });
    assert.deepEqual(await rows(), before, 'the cluster is unchanged');
  });

  it('refuses malformed options before asking anything', async () => {
    const result = await runAndDismiss('hotfixDeployer.deploy', { target: 'production', image: 'checkout:9.9.9', confirmed: 'yes' });
    assert.equal(result?.ok, false);
    assert.match(result?.reason ?? '', /^hotfixDeployer\.deploy was called with options it does not accept \(confirmed must be true or false\); nothing was done\.$/);
  });
});

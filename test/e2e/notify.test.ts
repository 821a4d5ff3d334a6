// Notifications from VS Code in a real extension host: Configure Notifications keeps a webhook URL in
// SecretStorage (given through the command's options, so no UI is driven), a broadcast declaration
// reaches a real HTTP receiver on 127.0.0.1, and the URL is in no file of the workspace or the
// extension's global storage and in no setting. Removing it leaves the channel not configured.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extension } from './manifest';

interface Report { readonly channel: string; readonly ok: boolean; readonly detail: string }
interface Outcome {
  readonly ok: boolean;
  readonly reason?: string;
  readonly value?: { readonly incident: { readonly id: string }; readonly published: readonly Report[]; readonly stored?: boolean; readonly channel?: string };
}

const run = (command: string, args: object) => vscode.commands.executeCommand<Outcome>(command, args);

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const file = path.join(at, name);
      const stat = statSync(file, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(file);
      else if (stat.isFile() && readFileSync(file).includes(needle)) found.push(file);
    }
  };
  walk(dir);
  return found;
}

describe('extension host: Configure Notifications and a broadcast from VS Code', () => {
  const workspace = process.env['HOTFIX_TEST_WORKSPACE'] ?? '';
  const configFile = path.join(workspace, '.hotfix', 'config.yaml');
  const secretPath = `/hook/E2E${randomBytes(8).toString('hex')}`;
  const hits: { url: string; body: Record<string, unknown> }[] = [];
  let server: Server;
  let url = '';
  let original: string | undefined;
  let incident = '';

  before(async () => {
    assert.ok(workspace, 'the launcher names the workspace repository');
    await extension().activate();
    await extension().exports.repositories();
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        hits.push({ url: req.url ?? '', body: JSON.parse(text || '{}') as Record<string, unknown> });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${secretPath}`;
    original = existsSync(configFile) ? readFileSync(configFile, 'utf8') : undefined;
    mkdirSync(path.dirname(configFile), { recursive: true });
    writeFileSync(configFile, `${original ?? ''}${original && !original.endsWith('\n') ? '\n' : ''}notifications:\n  webhook: {}\n`);
  });

  after(async () => {
    if (incident) await run('hotfixDeployer.resolveIncident', { id: incident, rootCause: 'test over' });
    await run('hotfixDeployer.configureNotifications', { channel: 'webhook', remove: true });
    if (original === undefined) rmSync(configFile, { force: true });
    else writeFileSync(configFile, original);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses a plain-http URL to another host, and stores a loopback webhook URL', async () => {
    const refused = await run('hotfixDeployer.configureNotifications', { channel: 'webhook', value: 'http://hooks.example.com/x' });
    assert.equal(refused.ok, false);
    assert.match(String(refused.reason), /must start with https:\/\//);
    const stored = await run('hotfixDeployer.configureNotifications', { channel: 'webhook', value: url });
    assert.equal(stored.ok, true, JSON.stringify(stored));
    assert.equal(stored.value?.stored, true);
  });

  it('a broadcast declaration reaches the receiver with the secret from SecretStorage', async () => {
    const declared = await run('hotfixDeployer.declareIncident', { severity: 'sev2', title: 'Notify from VS Code', impact: 'medium', broadcast: true });
    assert.equal(declared.ok, true, JSON.stringify(declared));
    incident = declared.value?.incident.id ?? '';
    assert.deepEqual(declared.value?.published.map((p) => [p.channel, p.ok]), [['webhook', true]], JSON.stringify(declared.value?.published));
    assert.equal(hits.length, 1);
    assert.equal(hits[0]?.url, secretPath);
    assert.equal(hits[0]?.body.kind, 'declared');
    assert.equal((hits[0]?.body.incident as { id: string }).id, incident);
    assert.ok(!JSON.stringify(declared).includes(secretPath), 'the outcome never carries the secret');
    const quiet = await run('hotfixDeployer.updateIncident', { id: incident, note: 'looking', broadcast: false });
    assert.equal(quiet.ok, true);
    assert.equal(hits.length, 1, 'without broadcast nothing is sent');
  });

  it('the secret is in no file of the workspace or the global storage, and in no setting', () => {
    const secret = secretPath.slice('/hook/'.length);
    const globalStorage = extension().exports.globalStoragePath();
    assert.deepEqual(filesContaining(workspace, secret), []);
    assert.deepEqual(filesContaining(globalStorage, secret), []);
    const userSettings = path.resolve(globalStorage, '..', '..', 'settings.json');
    if (existsSync(userSettings)) assert.ok(!readFileSync(userSettings, 'utf8').includes(secret), userSettings);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('hotfixDeployer')).includes(secret));
  });

  it('Remove clears it: the next broadcast reports the channel as not configured', async () => {
    const removed = await run('hotfixDeployer.configureNotifications', { channel: 'webhook', remove: true });
    assert.equal(removed.ok, true, JSON.stringify(removed));
    assert.equal(removed.value?.stored, false);
    const updated = await run('hotfixDeployer.updateIncident', { id: incident, status: 'identified', broadcast: true });
    assert.equal(updated.ok, true, JSON.stringify(updated));
    assert.deepEqual(updated.value?.published.map((p) => [p.channel, p.ok, p.detail]), [['webhook', false, 'not configured: set HOTFIX_WEBHOOK_URL']]);
    assert.equal(hits.length, 1);
  });
});

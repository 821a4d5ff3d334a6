// Restricted mode as a person meets it, in its own session with workspace trust on (the extension-host
// tier cannot be untrusted: VS Code trusts every workspace it runs extension tests in). The repository
// carries what must not run before it is trusted, each leaving a marker file if it does: a
// .vscode/settings.json naming a kubeconfig whose exec plugin runs a command, and a validation suite.
// The person's own kubeconfig ($KUBECONFIG) has an exec plugin too: in restricted mode no cluster call
// is made at all. Then the person trusts the workspace, and the Deployments view reads the cluster
// (through their own kubeconfig only). No cluster is needed: the exec plugin runs before any connection.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'mocha';
import { Session } from '../host/session.mjs';
import { createWorkspace } from '../host/workspace.mjs';
import { HOTFIX_ACTIVITY, say } from './fixture.mjs';
import { runCommand, seeNotification, TreeView } from './workbench.mjs';

/** A kubeconfig (JSON is YAML) whose exec plugin touches `marker` and hands back a token. */
function kubeconfig(file, name, marker) {
  const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: name } });
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': name,
    clusters: [{ name, cluster: { server: 'https://127.0.0.1:9', 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: '/bin/sh', args: ['-c', `touch '${marker}'; echo '${credential}'`], interactiveMode: 'Never' } } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
  }));
}

describe('UI: an untrusted workspace: hotfix branches work, nothing reaches the cluster or runs the repository’s commands', function () {
  this.timeout(120_000);
  let session;
  let page;
  let failed = false;
  const markers = {};

  before(async function () {
    this.timeout(180_000);
    session = new Session({
      prefix: 'ui-untrusted-',
      settings: {
        'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'never', 'workbench.secondarySideBar.defaultVisibility': 'hidden',
      },
    });
    const workspace = createWorkspace(session.file('ws'));
    const dir = session.file('markers');
    mkdirSync(dir);
    Object.assign(markers, { planted: path.join(dir, 'planted-exec'), user: path.join(dir, 'user-exec'), suite: path.join(dir, 'suite-ran') });
    kubeconfig(session.file('planted-kubeconfig'), 'planted', markers.planted);
    kubeconfig(session.file('user-kubeconfig'), 'user', markers.user);
    mkdirSync(path.join(workspace, '.vscode'));
    writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'hotfixDeployer.kubeconfig': session.file('planted-kubeconfig') }));
    mkdirSync(path.join(workspace, '.hotfix'));
    writeFileSync(path.join(workspace, '.hotfix', 'config.yaml'),
      `targets:\n  staging:\n    namespace: shop\n    app: checkout\n    validate: evil\nvalidate:\n  evil:\n    - name: evil\n      run: ["/bin/sh", "-c", "touch '${markers.suite}'"]\n`);
    await session.startServer({ env: { KUBECONFIG: session.file('user-kubeconfig') }, workspaceTrust: true });
    page = await session.openWorkbench({ folder: workspace });
    page.setDefaultTimeout(30_000);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page.locator(HOTFIX_ACTIVITY).waitFor({ timeout: 60_000 });
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });
  after(async function () {
    this.timeout(60_000);
    if (failed && page) await page.screenshot({ path: session.file('untrusted-failed.png') }).catch(() => undefined);
    const kept = await session?.finish({ keep: failed || process.env.KEEP_LOGS === '1' });
    if (kept) say(`kept ${session.dir}`);
  });

  const ran = () => Object.entries(markers).filter(([, file]) => existsSync(file)).map(([name]) => name);

  it('opens in Restricted Mode, and the Deployments view says why it does not read the cluster', async () => {
    await page.locator('.statusbar').getByText('Restricted Mode').waitFor();
    const view = new TreeView(page, 'Deployments');
    await view.open();
    await view.pane.locator('.welcome-view-content', { hasText: 'This workspace is not trusted, so Hotfix does not read or change the cluster here' }).waitFor();
    assert.equal(await view.rows.count(), 0, `no target to expand into a cluster read; the view showed ${await view.shown()}`);
    await new TreeView(page, 'Hotfixes').seeRow('production · v1.4.0');
  });

  it('Deploy… and Validate… refuse, saying how to trust the workspace; nothing ran', async () => {
    await runCommand(page, 'Hotfix: Deploy…');
    await seeNotification(page, 'This workspace is not trusted: Deploy… reaches your Kubernetes cluster');
    await runCommand(page, 'Hotfix: Validate…');
    const validate = await seeNotification(page, "This workspace is not trusted: Validate… runs the commands of the repository's validation suites");
    assert.match(await validate.innerText(), /Trust it with Manage Workspace Trust\.$/);
    await page.waitForTimeout(2000);
    assert.deepEqual(ran(), []);
  });

  it('trusted, the view reads the cluster at once, through the person’s own kubeconfig only', async () => {
    await runCommand(page, 'Workspaces: Manage Workspace Trust');
    await page.locator('.workspace-trust-editor').getByRole('button', { name: 'Trust', exact: true }).click();
    await page.locator('.statusbar').getByText('Restricted Mode').waitFor({ state: 'detached' });
    // The trust editor opens as a modal editor over the workbench: close it as a person would.
    const modal = page.locator('.monaco-modal-editor-block');
    if (await modal.isVisible()) {
      await modal.locator('[aria-label^="Close"]').first().click();
      await modal.waitFor({ state: 'detached' });
    }
    const view = new TreeView(page, 'Deployments');
    await view.open();
    const staging = await view.seeRow('staging');
    await staging.click();
    const end = Date.now() + 20_000;
    while (!existsSync(markers.user) && Date.now() < end) await page.waitForTimeout(200);
    assert.deepEqual(ran(), ['user'], 'the exec plugin of the user-level kubeconfig ran; the workspace one did not, and no suite ran');
  });
});

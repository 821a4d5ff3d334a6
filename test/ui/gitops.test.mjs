// A GitOps-owned target as an on-call engineer meets it in the real workbench, with the project's
// control plane behind it (its own session: this workspace has a cluster and a .hotfix/config.yaml
// from the start, unlike the tier's shared one). The launcher's cluster (test/host/cluster-app.mjs)
// runs `payments` as Argo CD's Application argocd/payments with selfHeal (the CRD and the object only),
// at an image tagged with a commit that is not the release. The Deployments view is read as a person
// reads it; Deploy… is driven from the palette through its prompts and the GitOps modal.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, it } from 'mocha';
import { startHostCluster } from '../host/cluster-app.mjs';
import { Session } from '../host/session.mjs';
import { createWorkspace } from '../host/workspace.mjs';
import { HOTFIX_ACTIVITY, say } from './fixture.mjs';
import { runCommand, TreeView } from './workbench.mjs';

const SHOTS = process.env.UI_SCREENSHOTS ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../out/ui-screenshots', new Date().toISOString().replace(/[:.]/g, '-'));

describe('UI: a target Argo CD owns, with a real cluster: what runs, and Deploy… asking before a change GitOps would revert', function () {
  this.timeout(120_000);
  let session;
  let cluster;
  let page;
  let workspace = '';
  let failed = false;

  before(async function () {
    this.timeout(300_000);
    session = new Session({ prefix: 'ui-gitops-', settings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden' } });
    workspace = createWorkspace(session.file('ws'));
    cluster = await startHostCluster(session.file('kube'), workspace);
    await session.startServer({ env: { KUBECONFIG: cluster.kubeconfig } });
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
    if (failed && page) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'gitops-failed.png') }).catch(() => undefined);
    }
    const kept = await session?.finish({ keep: failed || process.env.KEEP_LOGS === '1' });
    if (kept) say(`kept ${session.dir}`);
    await cluster?.stop();
  });

  const deployments = () => new TreeView(page, 'Deployments');

  it('the Deployments view shows the commit payments runs, its drift from v1.4.0, and the Application that would revert a change', async () => {
    const view = deployments();
    await view.open();
    const target = await view.seeRow('payments');
    await target.click();
    const experiment = execFileSync('git', ['rev-parse', 'experiment'], { cwd: workspace, encoding: 'utf8' }).trim();
    await view.seeRow(`Running ${experiment.slice(0, 12)}`, 'drift: 1 commit ahead of v1.4.0 · image-sha');
    await view.seeRow('Argo CD Application argocd/payments', 'auto-sync + selfHeal: reverts changes made here');
    // Widen the side bar by its sash, as a person would, so the rows' descriptions show whole.
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    if (sidebar) {
      await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + 200);
      await page.mouse.down();
      await page.mouse.move(sidebar.x + 820, sidebar.y + 200, { steps: 8 });
      await page.mouse.up();
    }
    mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, 'deployments-gitops.png');
    await page.screenshot({ path: file });
    say(`screenshot: ${file}`);
  });

  it('Deploy… names the Argo CD Application in a modal; Pause Auto-Sync and Deploy pauses it, deploys, and the view shows the pause', async () => {
    const quick = await runCommand(page, 'Hotfix: Deploy…');
    await quick.step('Deploy to which target?');
    await quick.type('payments');
    await quick.seeFocused('payments');
    await quick.accept();
    await quick.step('Hotfix: Deploy to payments (rolling)');
    await quick.type('payments:1.4.1');
    await quick.accept();

    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText('Deploy payments:1.4.1 to payments?').waitFor();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    // The GitOps guard: the warning names the Application and when it would revert the change.
    await dialog.getByText('GitOps will undo').waitFor();
    assert.match(await dialog.innerText(), /Argo CD Application argocd\/payments .* will revert it within seconds/);
    await dialog.getByRole('button', { name: 'Pause Auto-Sync and Deploy' }).click();

    const view = deployments();
    await view.seeRow('Argo CD Application argocd/payments', /^auto-sync paused by Ada Oncall <ada@example\.com> since \d{4}-/);
    await view.seeRow('payments', /^payments:1\.4\.1 · rev 2 · 1\/1 available/);
  });
});

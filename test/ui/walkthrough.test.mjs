// The Getting Started walkthrough in the real workbench: opened as a person does (Welcome: Open
// Walkthrough… in the palette, then picked by its title), its steps and their buttons read from the
// page, and a screenshot kept under out/ui-screenshots/<run>/ for people to look at. Then the first
// step's button runs Set Up Repository: the file is written after the dialog's Write, and opened.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'mocha';
import { HOTFIX_ACTIVITY, say, workbench } from './fixture.mjs';
import { QuickInput } from './workbench.mjs';

const TITLE = 'Get Started with Hotfix Deployer';
const SHOTS = process.env.UI_SCREENSHOTS ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../out/ui-screenshots', new Date().toISOString().replace(/[:.]/g, '-'));

describe('UI: the Getting Started walkthrough', function () {
  this.timeout(90_000);

  it('opens from Welcome: Open Walkthrough…, shows its six steps with their buttons, and is saved as a screenshot', async () => {
    const { page } = workbench();
    await page.locator(HOTFIX_ACTIVITY).waitFor();
    await page.keyboard.press('F1');
    const quick = new QuickInput(page);
    await quick.input.waitFor({ state: 'visible' });
    await quick.type('>Open Walkthrough');
    await quick.seeFocused('Open Walkthrough');
    await quick.accept();
    await quick.type('Hotfix');
    await quick.seeFocused(TITLE);
    await quick.accept();

    const container = page.locator('.gettingStartedContainer');
    await container.getByText(TITLE).first().waitFor({ timeout: 30_000 });
    for (const step of ['Set up the repository', 'Configure notifications', 'Declare a practice incident', 'Create a hotfix branch', 'Deploy to non-production', 'Roll back']) {
      await container.getByText(step, { exact: true }).first().waitFor();
    }
    // The first step is expanded: its button runs Set Up Repository, its markdown media is rendered.
    const button = container.getByRole('button', { name: 'Set Up Repository' }).first();
    await button.waitFor();
    assert.equal(await button.isVisible(), true);

    // The step's markdown (media/walkthrough/set-up.md) renders beside the steps, in a webview.
    const media = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await media.getByText('looks at the open repository').first().waitFor({ timeout: 30_000 });

    mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, 'walkthrough.png');
    await page.screenshot({ path: file });
    say(`screenshot: ${file}`);
  });

  it("the first step's button runs Set Up Repository: Write in the dialog writes the file and opens it", async () => {
    const { page, workspace } = workbench();
    const file = path.join(workspace, '.hotfix', 'config.yaml');
    assert.equal(existsSync(file), false, 'the UI workspace starts without a configuration');
    try {
      await page.locator('.gettingStartedContainer').getByRole('button', { name: 'Set Up Repository' }).first().click();
      // With a kubeconfig in the environment the contexts are offered first: leave the cluster out.
      const quick = new QuickInput(page);
      const dialog = page.locator('.monaco-dialog-box');
      await Promise.race([quick.widget.getByText('Skip the cluster').waitFor(), dialog.waitFor()]);
      if (await quick.widget.isVisible()) {
        await quick.type('Skip the cluster');
        await quick.seeFocused('Skip the cluster');
        await quick.accept();
      }
      await dialog.getByText('config.yaml?').first().waitFor({ timeout: 30_000 });
      assert.match(await dialog.innerText(), /gitflow, production branch production; targets: none yet\./);
      await dialog.getByRole('button', { name: 'Write' }).click();
      await page.locator('.tab', { hasText: 'config.yaml' }).first().waitFor({ timeout: 30_000 });
      assert.match(readFileSync(file, 'utf8'), /^ {2}model: gitflow$/m);
      await page.locator('.view-lines').getByText('# Hotfix Deployer team configuration').first().waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'set-up-repository.png') });
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});

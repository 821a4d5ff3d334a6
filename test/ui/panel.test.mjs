// The incident timeline panel in the real workbench: opened from the command palette and from the
// status bar item, read inside the webview's iframes as a person sees it, a new event from a
// terminal appearing without reopening, a hostile title shown as text, a note added from the page,
// and screenshots in a dark and a light theme for people to look at.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'mocha';
import { say, workbench } from './fixture.mjs';
import { QuickInput, runCommand } from './workbench.mjs';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');
const TITLE = '<img src=x onerror=alert(1)> Checkout down';

function cli(...args) {
  return execFileSync(process.execPath, [CLI, ...args], { cwd: workbench().workspace, encoding: 'utf8' });
}

/** The panel's page: the webview's outer iframe, then its active frame. */
const page = () => workbench().page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

/** Kept after a passing run too (the session folder is not): out/ui-screenshots/<run>/, or $UI_SCREENSHOTS. */
const SHOTS = process.env.UI_SCREENSHOTS ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../out/ui-screenshots', new Date().toISOString().replace(/[:.]/g, '-'));

async function shot(name) {
  const dir = SHOTS;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await workbench().page.screenshot({ path: file });
  say(`screenshot: ${file}`);
}

/** Ctrl+K Ctrl+T, the theme picker, as a person switches themes. */
async function theme(name) {
  const { page: wb } = workbench();
  await wb.keyboard.press('Control+K');
  await wb.keyboard.press('Control+T');
  const quick = new QuickInput(wb);
  await quick.input.waitFor({ state: 'visible' });
  await quick.type(name);
  await quick.seeFocused(name);
  await quick.accept();
  await quick.widget.waitFor({ state: 'hidden' });
}

describe('UI: the incident timeline panel', function () {
  this.timeout(90_000);
  let dialogs = 0;
  let id = '';

  it('opens from the command palette and shows the timeline, the hostile title as text', async () => {
    const { page: wb } = workbench();
    wb.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    const out = cli('incident', 'create', '--severity=sev1', `--title=${TITLE}`, '--impact=high', '--commander=Ada Oncall', '--json');
    id = JSON.parse(out).incident.id;
    cli('incident', 'update', `--id=${id}`, '--status=identified', '--note=rolling back checkout');
    await runCommand(wb, 'Hotfix: Open Incident Timeline');
    const title = page().locator('h1, .incident-title').filter({ hasText: 'Checkout down' }).first();
    await title.waitFor({ timeout: 30_000 });
    assert.equal((await title.innerText()).includes(TITLE), true, await title.innerText());
    assert.equal(await page().locator('img').count(), 0, 'no image element from the title');
    await page().getByText('Status: identified (rolling back checkout)').first().waitFor();
    assert.equal(dialogs, 0, 'nothing ran');
  });

  it('shows a new event from a terminal without being reopened', async () => {
    cli('incident', 'update', `--id=${id}`, '--note=error rate back under 1%');
    await page().getByText('Note: error rate back under 1%').first().waitFor({ timeout: 20_000 });
  });

  it('adds a note typed in the panel to the incident', async () => {
    const box = page().locator('vscode-textarea, textarea').first();
    await box.click();
    await workbench().page.keyboard.type('canary at 25% looks clean');
    await page().getByRole('button', { name: /add note/i }).first().click();
    await page().getByText('Note: canary at 25% looks clean').first().waitFor({ timeout: 20_000 });
    const stored = readdirSync(path.join(workbench().workspace, '.git', 'hotfix', 'incidents')).map((f) => readFileSync(path.join(workbench().workspace, '.git', 'hotfix', 'incidents', f), 'utf8')).join('\n');
    assert.match(stored, /canary at 25% looks clean/);
  });

  it('opens from the status bar item too, and is screenshotted in a light and a dark theme', async () => {
    const { page: wb } = workbench();
    await theme('Light Modern');
    await shot('panel-timeline-light');
    await wb.keyboard.press('Control+K');
    await wb.keyboard.press('W'); // close all editors
    const item = wb.locator('.statusbar-item', { hasText: 'SEV1' }).first();
    await item.waitFor();
    await item.click();
    await page().getByText('Note: canary at 25% looks clean').first().waitFor({ timeout: 20_000 });
    await theme('Dark Modern');
    await page().getByText('Note: canary at 25% looks clean').first().waitFor();
    await shot('panel-timeline-dark');
  });

  it('comes back after a window reload, on the same incident (the serializer and the saved state)', async () => {
    const { page: wb } = workbench();
    // As a person reloads: the command shuts the workbench down properly (its editors are saved for
    // the restore), where a bare browser reload may leave the saved editors behind.
    const navigated = wb.waitForEvent('framenavigated', { predicate: (f) => f === wb.mainFrame(), timeout: 60_000 });
    await runCommand(wb, 'Developer: Reload Window');
    await navigated;
    await wb.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page().getByText('Note: canary at 25% looks clean').first().waitFor({ timeout: 60_000 });
    assert.match(await page().locator('h1, .incident-title').first().innerText(), /Checkout down/);
    cli('incident', 'resolve', `--id=${id}`, '--root-cause=bad config push', '--action-items=add a config check');
  });
});

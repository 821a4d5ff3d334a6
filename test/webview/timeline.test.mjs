/* global document, getComputedStyle, requestAnimationFrame */
// The incident tab in real headless Chromium: text stays text, 10,000 entries stay virtual,
// appends follow the end, the filter hides a type and persists, requests carry ids and replies.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'mocha';
import { entries, incident } from './fixtures.mjs';
import { launch, openPanel, startServer } from './harness.mjs';

const frame = (panel) => panel.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

describe('webview: incident timeline', function () {
  let browser, server, origin, panel;

  before(async () => {
    ({ server, origin } = await startServer());
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });
  beforeEach(async () => {
    panel = await openPanel(browser, origin);
  });
  afterEach(async function () {
    const { violations } = await panel.test();
    assert.deepEqual(violations, [], 'no CSP violation during the test');
    assert.deepEqual(panel.errors, [], 'no page errors');
    await panel.page.close();
  });

  it('says ready with the saved state (none on a first load) and ignores messages that are not the protocol', async () => {
    const [ready] = await panel.posted('ready');
    assert.deepEqual(ready, { kind: 'ready' });
    await panel.send({ kind: 'incident', incident: 'nope', entries: [] });
    await panel.send({ kind: 'take-over', html: '<b>x</b>' });
    await panel.send('incident');
    await frame(panel);
    assert.equal(await panel.page.locator('text=No incident is open.').count(), 1);
  });

  it('renders a hostile title, actor and text literally: no <img>, no dialog', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await panel.send({
      kind: 'incident', incident: incident({ title: evil, commander: evil, links: [{ kind: 'other', label: evil, url: 'javascript:alert(2)' }] }),
      entries: [{ id: 'x1', at: '2025-11-27T10:00:00Z', type: 'note', actor: evil, text: `${evil}<script>alert(3)</script>` }],
      note: evil,
    });
    await panel.next('rendered');
    await frame(panel);
    assert.equal(await panel.page.locator('h1.title').textContent(), evil);
    assert.equal(await panel.page.evaluate(() => document.querySelectorAll('img, script:not([src])').length), 0);
    assert.ok((await panel.page.locator('.vrow .text').first().textContent()).includes(evil));
    assert.equal(await panel.page.locator('a[href]').count(), 0, 'links are buttons, not anchors');
    await panel.page.locator('vscode-button', { hasText: evil }).click();
    const [open] = await panel.posted('open-link');
    assert.deepEqual(open, { kind: 'open-link', url: 'javascript:alert(2)' }, 'the host decides what to open');
    await panel.page.waitForTimeout(200);
    assert.deepEqual(panel.dialogs, []);
  });

  it('renders 10,000 entries with fewer than 200 rows and scrolls to the last one', async () => {
    await panel.send({ kind: 'incident', incident: incident(), entries: entries(10_000) });
    const rendered = await panel.next('rendered');
    console.log(`      rendered: ${rendered.entries} entries, ${rendered.rows} rows in the DOM, ${rendered.ms} ms`);
    assert.equal(rendered.entries, 10_000);
    assert.ok(rendered.rows > 0 && rendered.rows < 200, `rows ${rendered.rows}`);
    assert.ok(rendered.ms > 0 && rendered.ms < 2000, `ms ${rendered.ms}`);
    const rows = () => panel.page.evaluate(() => document.querySelectorAll('[role="listitem"]').length);
    assert.ok((await rows()) < 200);
    const info = await panel.page.evaluate(() => {
      const first = document.querySelector('[role="listitem"]');
      return { setsize: first.getAttribute('aria-setsize'), list: document.querySelectorAll('[role="list"]').length };
    });
    assert.equal(info.setsize, '10000');
    // From the top, then to the end again: the last entry is in view and the DOM stays small.
    await panel.page.evaluate(() => { document.querySelector('.vlist').scrollTop = 0; });
    await frame(panel);
    await panel.page.evaluate(() => { const s = document.querySelector('.vlist'); s.scrollTop = s.scrollHeight; });
    await frame(panel);
    const last = panel.page.locator('.vrow', { hasText: 'Event number 9999:' });
    await last.waitFor();
    assert.ok(await inView(panel, last));
    assert.equal(await last.getAttribute('aria-posinset'), '10000');
    assert.ok((await rows()) < 200, `rows after scrolling ${await rows()}`);
  });

  it('timeline-append adds a row visible at the bottom, and keeps the position when scrolled up', async () => {
    await panel.send({ kind: 'incident', incident: incident(), entries: entries(500) });
    await panel.next('rendered');
    await panel.send({ kind: 'timeline-append', incident: 'INC-2025-0042', entries: entries(1, 500) });
    const added = panel.page.locator('.vrow', { hasText: 'Event number 500:' });
    await added.waitFor();
    await frame(panel);
    assert.ok(await inView(panel, added), 'follows the end');
    assert.ok((await panel.page.locator('[aria-live="polite"]').textContent()).includes('Event number 500'));
    await panel.page.evaluate(() => { document.querySelector('.vlist').scrollTop = 1000; });
    await frame(panel);
    await panel.send({ kind: 'timeline-append', incident: 'INC-2025-0042', entries: entries(3, 501) });
    await panel.send({ kind: 'timeline-append', incident: 'INC-other', entries: entries(1, 900) });
    await frame(panel);
    assert.equal(await panel.page.evaluate(() => document.querySelector('.vlist').scrollTop), 1000, 'stays where the reader is');
    assert.equal(await panel.page.evaluate(() => document.querySelector('[role="listitem"]').getAttribute('aria-setsize')), '504');
  });

  it('shows gate numbers and corrections under their event, and times as UTC with +elapsed', async () => {
    await panel.send({ kind: 'incident', incident: incident(), entries: entries(20) });
    await panel.next('rendered');
    await panel.page.evaluate(() => { document.querySelector('.vlist').scrollTop = 0; });
    await frame(panel);
    const gate = panel.page.locator('.vrow', { hasText: 'Event number 8:' });
    assert.match(await gate.textContent(), /10:00:56\s*\+56s/);
    assert.match(await gate.textContent(), /error-rate 7\.9% > 1% \(must be ≤ 1% · window 5m\)/);
    assert.equal(await gate.locator('.chip').textContent(), 'pass');
    const failed = panel.page.locator('.vrow', { hasText: 'Event number 3:' });
    assert.equal(await failed.locator('.chip').textContent(), 'fail');
    const corrected = panel.page.locator('.vrow', { hasText: 'Event number 11:' });
    assert.match(await corrected.textContent(), /Corrected: the time was 10:03/);
    assert.match(await corrected.evaluate((el) => el.title), /Event number 11: note\nCorrected:/);
  });

  it('filters a type out, persists the hidden types and restores them on reload', async () => {
    await panel.send({ kind: 'incident', incident: incident(), entries: entries(60) });
    await panel.next('rendered');
    const notes = () => panel.page.evaluate(() => [...document.querySelectorAll('.vrow .type')].filter((t) => t.textContent === 'note').length);
    assert.ok((await notes()) > 0);
    await panel.page.locator('vscode-checkbox[data-type="note"]').click();
    await frame(panel);
    assert.equal(await notes(), 0);
    const { setStates, state } = await panel.test();
    assert.deepEqual(setStates.at(-1).hidden, ['note']);
    assert.deepEqual(state.hidden, ['note']);
    const posted = await panel.posted('state');
    assert.deepEqual(posted.at(-1).state.hidden, ['note']);

    const reloaded = await openPanel(browser, origin, { state });
    try {
      assert.deepEqual((await reloaded.posted('ready'))[0].state.hidden, ['note']);
      await reloaded.send({ kind: 'incident', incident: incident(), entries: entries(60) });
      await reloaded.next('rendered');
      assert.equal(await reloaded.page.locator('vscode-checkbox[data-type="note"]').evaluate((b) => b.checked), false);
      assert.equal(await reloaded.page.locator('.vrow .type', { hasText: /^note$/ }).count(), 0);
    } finally {
      await reloaded.page.close();
    }
  });

  it('adds a note with a fresh request id, disabled while waiting, and shows a failed reply', async () => {
    await panel.send({ kind: 'incident', incident: incident(), entries: entries(5) });
    await panel.next('rendered');
    await panel.page.locator('vscode-textarea').locator('textarea').fill('rolled back pay to 1.4.2');
    await panel.page.locator('vscode-button', { hasText: 'Add note' }).click();
    const request = await panel.next('add-note');
    assert.match(request.id, /^[A-Za-z0-9._:-]{1,64}$/);
    assert.deepEqual({ ...request, id: undefined }, { kind: 'add-note', id: undefined, incident: 'INC-2025-0042', text: 'rolled back pay to 1.4.2' });
    assert.equal(await panel.page.locator('vscode-button', { hasText: 'Add note' }).evaluate((b) => b.disabled), true);
    await panel.send({ kind: 'reply', id: request.id, ok: false, message: 'The incident store is read-only.' });
    await panel.page.locator('.error', { hasText: 'The incident store is read-only.' }).waitFor();
    assert.equal(await panel.page.locator('vscode-button', { hasText: 'Add note' }).evaluate((b) => b.disabled), false);
    await panel.page.locator('vscode-button', { hasText: 'Add note' }).click();
    const again = await panel.next('add-note', 1);
    assert.notEqual(again.id, request.id);
    await panel.send({ kind: 'reply', id: again.id, ok: true });
    await panel.page.waitForFunction(() => document.querySelector('vscode-textarea').value === '');

    await panel.page.locator('vscode-button', { hasText: 'Update status' }).click();
    const status = await panel.next('update-status');
    assert.equal(status.status, 'monitoring');
    assert.equal(status.incident, 'INC-2025-0042');
  });

  it('moves between rows with the arrow keys, one row tabbable at a time', async () => {
    await panel.send({ kind: 'incident', incident: incident(), entries: entries(100) });
    await panel.next('rendered');
    await panel.page.evaluate(() => { document.querySelector('.vlist').scrollTop = 0; });
    await frame(panel);
    await panel.page.locator('.vrow[tabindex="0"]').focus();
    await panel.page.keyboard.press('ArrowDown');
    await panel.page.keyboard.press('ArrowDown');
    assert.equal(await panel.page.evaluate(() => document.activeElement.getAttribute('aria-posinset')), '3');
    await panel.page.keyboard.press('End');
    await frame(panel);
    assert.equal(await panel.page.evaluate(() => document.activeElement.getAttribute('aria-posinset')), '100');
    assert.equal(await panel.page.locator('.vrow[tabindex="0"]').count(), 1);
    const outline = await panel.page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'visible focus');
  });
});

/** True when the element's box lies inside the timeline's viewport. */
function inView(panel, locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const v = document.querySelector('.vlist').getBoundingClientRect();
    return r.top >= v.top - 1 && r.bottom <= v.bottom + 1;
  });
}

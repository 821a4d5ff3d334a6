/* global document, getComputedStyle, requestAnimationFrame */
// The incident tab in real headless Chromium: text stays text, 10,000 entries stay virtual,
// appends follow the end, the filter hides a type and persists, requests carry ids and replies.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { entries, incident } from './fixtures.mjs';
import { panelSuite } from './harness.mjs';

const frame = (panel) => panel.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

describe('webview: incident timeline', function () {
  const suite = panelSuite();

  it('says ready with the saved state (none on a first load) and ignores messages that are not the protocol', async () => {
    const [ready] = await suite.panel.posted('ready');
    assert.deepEqual(ready, { kind: 'ready' });
    await suite.panel.send({ kind: 'incident', incident: 'nope', entries: [] });
    await suite.panel.send({ kind: 'take-over', html: '<b>x</b>' });
    await suite.panel.send('incident');
    await frame(suite.panel);
    assert.equal(await suite.panel.page.locator('text=No incident is open.').count(), 1);
  });

  it('renders a hostile title, actor and text literally: no <img>, no dialog', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await suite.panel.send({
      kind: 'incident', incident: incident({ title: evil, commander: evil, links: [{ kind: 'other', label: evil, url: 'javascript:alert(2)' }] }),
      entries: [{ id: 'x1', at: '2025-11-27T10:00:00Z', type: 'note', actor: evil, text: `${evil}<script>alert(3)</script>` }],
      note: evil,
    });
    await suite.panel.next('rendered');
    await frame(suite.panel);
    assert.equal(await suite.panel.page.locator('h1.title').textContent(), evil);
    assert.equal(await suite.panel.page.evaluate(() => document.querySelectorAll('img, script:not([src])').length), 0);
    assert.ok((await suite.panel.page.locator('.vrow .text').first().textContent()).includes(evil));
    assert.equal(await suite.panel.page.locator('a[href]').count(), 0, 'links are buttons, not anchors');
    await suite.panel.page.locator('vscode-button', { hasText: evil }).click();
    const [open] = await suite.panel.posted('open-link');
    assert.deepEqual(open, { kind: 'open-link', url: 'javascript:alert(2)' }, 'the host decides what to open');
    await suite.panel.page.waitForTimeout(200);
    assert.deepEqual(suite.panel.dialogs, []);
  });

  it('renders 10,000 entries with fewer than 200 rows and scrolls to the last one', async () => {
    await suite.panel.send({ kind: 'incident', incident: incident(), entries: entries(10_000) });
    const rendered = await suite.panel.next('rendered');
    console.log(`      rendered: ${rendered.entries} entries, ${rendered.rows} rows in the DOM, ${rendered.ms} ms`);
    assert.equal(rendered.entries, 10_000);
    assert.ok(rendered.rows > 0 && rendered.rows < 200, `rows ${rendered.rows}`);
    assert.ok(rendered.ms > 0 && rendered.ms < 2000, `ms ${rendered.ms}`);
    const rows = () => suite.panel.page.evaluate(() => document.querySelectorAll('[role="listitem"]').length);
    assert.ok((await rows()) < 200);
    const info = await suite.panel.page.evaluate(() => {
      const first = document.querySelector('[role="listitem"]');
      return { setsize: first.getAttribute('aria-setsize'), list: document.querySelectorAll('[role="list"]').length };
    });
    assert.equal(info.setsize, '10000');
    // From the top, then to the end again: the last entry is in view and the DOM stays small.
    await suite.panel.page.evaluate(() => { document.querySelector('.vlist').scrollTop = 0; });
    await frame(suite.panel);
    await suite.panel.page.evaluate(() => { const s = document.querySelector('.vlist'); s.scrollTop = s.scrollHeight; });
    await frame(suite.panel);
    const last = suite.panel.page.locator('.vrow', { hasText: 'Event number 9999:' });
    await last.waitFor();
    assert.ok(await inView(suite.panel, last));
    assert.equal(await last.getAttribute('aria-posinset'), '10000');
    assert.ok((await rows()) < 200, `rows after scrolling ${await rows()}`);
  });

  it('timeline-append adds a row visible at the bottom, and keeps the position when scrolled up', async () => {
    await suite.panel.send({ kind: 'incident', incident: incident(), entries: entries(500) });
    await suite.panel.next('rendered');
    await suite.panel.send({ kind: 'timeline-append', incident: 'INC-2025-0042', entries: entries(1, 500) });
    const added = suite.panel.page.locator('.vrow', { hasText: 'Event number 500:' });
    await added.waitFor();
    await frame(suite.panel);
    assert.ok(await inView(suite.panel, added), 'follows the end');
    assert.ok((await suite.panel.page.locator('[aria-live="polite"]').textContent()).includes('Event number 500'));
    await suite.panel.page.evaluate(() => { document.querySelector('.vlist').scrollTop = 1000; });
    await frame(suite.panel);
    await suite.panel.send({ kind: 'timeline-append', incident: 'INC-2025-0042', entries: entries(3, 501) });
    await suite.panel.send({ kind: 'timeline-append', incident: 'INC-other', entries: entries(1, 900) });
    await frame(suite.panel);
    assert.equal(await suite.panel.page.evaluate(() => document.querySelector('.vlist').scrollTop), 1000, 'stays where the reader is');
    assert.equal(await suite.panel.page.evaluate(() => document.querySelector('[role="listitem"]').getAttribute('aria-setsize')), '504');
  });

  it('shows gate numbers and corrections under their event, and times as UTC with +elapsed', async () => {
    await suite.panel.send({ kind: 'incident', incident: incident(), entries: entries(20) });
    await suite.panel.next('rendered');
    await suite.panel.page.evaluate(() => { document.querySelector('.vlist').scrollTop = 0; });
    await frame(suite.panel);
    const gate = suite.panel.page.locator('.vrow', { hasText: 'Event number 8:' });
    assert.match(await gate.textContent(), /10:00:56\s*\+56s/);
    assert.match(await gate.textContent(), /error-rate 7\.9% > 1% \(must be ≤ 1% · window 5m\)/);
    assert.equal(await gate.locator('.chip').textContent(), 'pass');
    const failed = suite.panel.page.locator('.vrow', { hasText: 'Event number 3:' });
    assert.equal(await failed.locator('.chip').textContent(), 'fail');
    const corrected = suite.panel.page.locator('.vrow', { hasText: 'Event number 11:' });
    assert.match(await corrected.textContent(), /Corrected: the time was 10:03/);
    assert.match(await corrected.evaluate((el) => el.title), /Event number 11: note\nCorrected:/);
  });

  it('filters a type out, persists the hidden types and restores them on reload', async () => {
    await suite.panel.send({ kind: 'incident', incident: incident(), entries: entries(60) });
    await suite.panel.next('rendered');
    const notes = () => suite.panel.page.evaluate(() => [...document.querySelectorAll('.vrow .type')].filter((t) => t.textContent === 'note').length);
    assert.ok((await notes()) > 0);
    await suite.panel.page.locator('vscode-checkbox[data-type="note"]').click();
    await frame(suite.panel);
    assert.equal(await notes(), 0);
    const { setStates, state } = await suite.panel.test();
    assert.deepEqual(setStates.at(-1).hidden, ['note']);
    assert.deepEqual(state.hidden, ['note']);
    const posted = await suite.panel.posted('state');
    assert.deepEqual(posted.at(-1).state.hidden, ['note']);

    const reloaded = await suite.open({ state });
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
    await suite.panel.send({ kind: 'incident', incident: incident(), entries: entries(5) });
    await suite.panel.next('rendered');
    await suite.panel.page.locator('vscode-textarea').locator('textarea').fill('rolled back pay to 1.4.2');
    await suite.panel.page.locator('vscode-button', { hasText: 'Add note' }).click();
    const request = await suite.panel.next('add-note');
    assert.match(request.id, /^[A-Za-z0-9._:-]{1,64}$/);
    assert.deepEqual({ ...request, id: undefined }, { kind: 'add-note', id: undefined, incident: 'INC-2025-0042', text: 'rolled back pay to 1.4.2' });
    assert.equal(await suite.panel.page.locator('vscode-button', { hasText: 'Add note' }).evaluate((b) => b.disabled), true);
    await suite.panel.send({ kind: 'reply', id: request.id, ok: false, message: 'The incident store is read-only.' });
    await suite.panel.page.locator('.error', { hasText: 'The incident store is read-only.' }).waitFor();
    assert.equal(await suite.panel.page.locator('vscode-button', { hasText: 'Add note' }).evaluate((b) => b.disabled), false);
    await suite.panel.page.locator('vscode-button', { hasText: 'Add note' }).click();
    const again = await suite.panel.next('add-note', 1);
    assert.notEqual(again.id, request.id);
    await suite.panel.send({ kind: 'reply', id: again.id, ok: true });
    await suite.panel.page.waitForFunction(() => document.querySelector('vscode-textarea').value === '');

    await suite.panel.page.locator('vscode-button', { hasText: 'Update status' }).click();
    const status = await suite.panel.next('update-status');
    assert.equal(status.status, 'monitoring');
    assert.equal(status.incident, 'INC-2025-0042');
  });

  it('moves between rows with the arrow keys, one row tabbable at a time', async () => {
    await suite.panel.send({ kind: 'incident', incident: incident(), entries: entries(100) });
    await suite.panel.next('rendered');
    await suite.panel.page.evaluate(() => { document.querySelector('.vlist').scrollTop = 0; });
    await frame(suite.panel);
    await suite.panel.page.locator('.vrow[tabindex="0"]').focus();
    await suite.panel.page.keyboard.press('ArrowDown');
    await suite.panel.page.keyboard.press('ArrowDown');
    assert.equal(await suite.panel.page.evaluate(() => document.activeElement.getAttribute('aria-posinset')), '3');
    await suite.panel.page.keyboard.press('End');
    await frame(suite.panel);
    assert.equal(await suite.panel.page.evaluate(() => document.activeElement.getAttribute('aria-posinset')), '100');
    assert.equal(await suite.panel.page.locator('.vrow[tabindex="0"]').count(), 1);
    const outline = await suite.panel.page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
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

// @ts-check
// The panel's benchmark (issue #7): time to first render of a 10,000-event incident timeline in
// headless Chromium, with the built dist/webview.js under the panel's CSP (test/webview/harness.mjs).
// Measured by the page itself (the `rendered` message: from receiving the message to the frame after
// layout) and from outside (postMessage to `rendered` arriving). Target: under 300 ms.
import { entries, incident } from '../../test/webview/fixtures.mjs';
import { launch, openPanel, startServer } from '../../test/webview/harness.mjs';

const TARGET_MS = 300;
const EVENTS = 10_000;

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

/** @param {{ iterations: number, warmup: number, table: (rows: string[][]) => string }} options */
export async function benchPanel({ iterations, warmup, table }) {
  console.log(`\nhotfix-deployer bench: panel, first render of a ${EVENTS.toLocaleString('en')}-event timeline (dist/webview.js in headless Chromium)`);
  const { server, origin } = await startServer();
  const browser = await launch();
  /** @type {number[]} */ const inPage = [];
  /** @type {number[]} */ const outside = [];
  let rows = 0;
  try {
    const timeline = entries(EVENTS);
    for (let i = 0; i < warmup + iterations; i++) {
      const panel = await openPanel(browser, origin);
      // The message is made inside the page first, then posted and timed there: window.postMessage's
      // structured clone, the dispatch and the render, without Playwright's transfer of 10,000 objects.
      const wall = await panel.page.evaluate(async (message) => {
        const test = /** @type {{ posted: { kind: string }[] }} */ (/** @type {any} */ (globalThis).__test);
        const before = test.posted.filter((m) => m.kind === 'rendered').length;
        const started = performance.now();
        globalThis.postMessage(message, '*');
        while (test.posted.filter((m) => m.kind === 'rendered').length === before) await new Promise((r) => setTimeout(r, 1));
        return performance.now() - started;
      }, { kind: 'incident', incident: incident(), entries: timeline });
      const rendered = /** @type {{ ms: number, rows: number }} */ ((await panel.posted('rendered')).at(-1));
      await panel.page.close();
      if (i < warmup) continue;
      inPage.push(rendered.ms);
      outside.push(wall);
      rows = rendered.rows;
    }
  } finally {
    await browser.close();
    server.close();
  }
  const f = (/** @type {number} */ ms) => ms.toFixed(1);
  console.log(table([
    ['measure', 'median ms', 'p95 ms', 'min ms'],
    ['first render, in the page', f(quantile(inPage, 0.5)), f(quantile(inPage, 0.95)), f(Math.min(...inPage))],
    ['postMessage to rendered (clone + dispatch + render)', f(quantile(outside, 0.5)), f(quantile(outside, 0.95)), f(Math.min(...outside))],
  ]));
  const met = quantile(outside, 0.5) < TARGET_MS;
  console.log(`${rows} row elements in the DOM for ${EVENTS.toLocaleString('en')} events; target: median under ${TARGET_MS} ms ${met ? 'met' : 'MISSED'} (${iterations} runs after ${warmup} warm-up)`);
  return { met };
}

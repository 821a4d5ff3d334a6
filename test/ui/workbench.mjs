// What a person does and sees in the workbench, as Playwright steps: the command palette, quick
// inputs (title, validation message, the focused pick), tree rows of a view, the notification
// centre. Every wait but staysAt's is on a locator; a failed wait says what the screen showed instead.
import { AssertionError } from 'node:assert';
import { HOTFIX_ACTIVITY } from './fixture.mjs';

const exact = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Waits for `locator`; on timeout fails with `message` and what `seen()` reports is on screen. */
async function see(locator, message, seen) {
  try {
    await locator.waitFor();
  } catch (error) {
    const shown = await seen().catch(() => '(nothing readable)');
    throw new AssertionError({ message: `${message}; the screen showed: ${shown}\n(${error instanceof Error ? error.message.split('\n')[0] : error})` });
  }
}

export class QuickInput {
  constructor(page) {
    this.page = page;
    this.widget = page.locator('.quick-input-widget');
    this.input = this.widget.locator('.quick-input-box input');
    this.title = this.widget.locator('.quick-input-title');
    this.message = this.widget.locator('.quick-input-message');
    this.rows = this.widget.locator('.quick-input-list .monaco-list-row');
  }

  /** Text of the whole widget, for failure messages. */
  async shown() {
    return JSON.stringify(await this.widget.innerText({ timeout: 2000 }));
  }

  /** Waits until the quick input's title contains `text` (e.g. a step "(2/4)"). */
  async step(text) {
    await see(this.title.filter({ hasText: text }), `expected a quick input titled "…${text}…"`, () => this.shown());
  }

  /** Replaces the value as typing would (the extension validates each change). */
  async type(value) {
    await this.input.fill(value);
  }

  /** Waits for the validation / info message under the input to contain `text`. */
  async seeMessage(text) {
    await see(this.message.filter({ hasText: text }), `expected the message "${text}" under the input`, () => this.shown());
  }

  /** Waits for a pick row containing every one of `texts`, and returns it. */
  async seeRow(...texts) {
    const row = texts.reduce((loc, text) => loc.filter({ hasText: text }), this.rows);
    await see(row.first(), `expected a pick with ${texts.map((t) => `"${t}"`).join(' and ')}`, () => this.shown());
    return row.first();
  }

  /** Waits until the highlighted (focused) pick contains every one of `texts`: Enter would accept it. */
  async seeFocused(...texts) {
    const row = texts.reduce((loc, text) => loc.filter({ hasText: text }), this.rows.and(this.page.locator('.focused')));
    await see(row, `expected the highlighted pick to show ${texts.map((t) => `"${t}"`).join(' and ')}`, () => this.shown());
  }

  /** Presses Enter in the quick input. */
  async accept() {
    await this.input.press('Enter');
  }

  /**
   * Checks that the input stays at step `text` with `value` for `ms`: the one wait in this file that
   * cannot be a locator, since it asserts that nothing happens after a refused Enter.
   */
  async staysAt(text, value, ms = 1500) {
    const end = Date.now() + ms;
    do {
      const [title, current] = await Promise.all([this.title.innerText(), this.input.inputValue()]);
      if (!title.includes(text) || current !== value) {
        throw new AssertionError({ message: `expected to stay at "${text}" with "${value}"; now at "${title}" with "${current}"` });
      }
      await this.page.waitForTimeout(100);
    } while (Date.now() < end);
  }
}

/** Opens the command palette (F1), filters by `title`, and runs the command once it is highlighted. */
export async function runCommand(page, title) {
  await page.locator(HOTFIX_ACTIVITY).waitFor();
  await page.keyboard.press('F1');
  const quick = new QuickInput(page);
  await quick.input.waitFor({ state: 'visible' });
  await quick.type(`>${title}`);
  const row = quick.rows.and(page.locator('.focused')).filter({ has: page.locator('.label-name', { hasText: exact(title) }) });
  await see(row, `expected the palette to offer "${title}"`, () => quick.shown());
  await quick.accept();
  return quick;
}

/** A view of the Hotfix container: open the container from the activity bar first. */
export class TreeView {
  constructor(page, name) {
    this.page = page;
    this.name = name;
    this.pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: exact(name) }) });
    this.rows = this.pane.locator('.pane-body .monaco-list-row');
  }

  /** Opens the Hotfix container from the activity bar, unless this view already shows. */
  async open() {
    if (!(await this.pane.isVisible())) await this.page.locator(HOTFIX_ACTIVITY).click();
    await see(this.pane, `expected the ${this.name} view`, async () => JSON.stringify(await this.page.locator('.sidebar').innerText({ timeout: 2000 })));
  }

  async shown() {
    const rows = await this.rows.evaluateAll((els) => els.map((el) => el.innerText.replace(/\n/g, ' ')));
    return rows.length > 0 ? rows.map((r) => `"${r}"`).join(', ') : '(no rows)';
  }

  /** Waits for a row labelled exactly `label` (and, when given, described exactly `description`, or matching it when a RegExp). */
  async seeRow(label, description) {
    let row = this.rows.filter({ has: this.page.locator('.label-name', { hasText: exact(label) }) });
    if (description !== undefined) row = row.filter({ has: this.page.locator('.label-description', { hasText: description instanceof RegExp ? description : exact(description) }) });
    const what = `expected the ${this.name} view to show "${label}"${description !== undefined ? ` described "${description}"` : ''}`;
    await see(row, what, () => this.shown());
    return row;
  }
}

/** Opens the notification centre (toasts do not show headless) and waits for a message containing `text`. */
export async function seeNotification(page, text) {
  const center = page.locator('.notifications-center');
  if (!(await center.isVisible())) await page.locator('#status\\.notifications').click();
  const item = center.locator('.notification-list-item', { hasText: text });
  await see(item.first(), `expected a notification "${text}"`, async () => JSON.stringify(await center.innerText({ timeout: 2000 })));
  return item.first().locator('.notification-list-item-message');
}

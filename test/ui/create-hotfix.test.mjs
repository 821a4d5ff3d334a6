// The hotfix create flow as an on-call engineer does it: the command palette, four prompts (issue
// key, title, base, severity), then the branch in git, in the Hotfixes view and in a notification.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { workbench } from './fixture.mjs';
import { runCommand, seeNotification, TreeView } from './workbench.mjs';

const CREATE = 'Hotfix: Create Hotfix Branch…';
const BRANCH = 'hotfix/PROD-2847-payment-null-pointer';

/** Polls `read` until `check` holds; fails with the last value read. */
async function eventually(read, check, what, ms = 20000) {
  const end = Date.now() + ms;
  let value;
  for (;;) {
    try { value = read(); } catch (error) { value = error instanceof Error ? error.message.split('\n')[0] : error; }
    if (check(value)) return value;
    if (Date.now() > end) assert.fail(`${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('UI: Hotfix: Create Hotfix Branch… from the command palette', function () {
  let created = false;

  it('is in the palette from the start, and takes the issue key, title, base and severity, refusing a bad key and previewing the branch', async () => {
    const { page } = workbench();
    // Nothing has activated the extension yet (no .hotfix/config.yaml, the view not opened): the
    // palette must offer the command anyway, and running it activates the extension.
    const quick = await runCommand(page, CREATE);

    await quick.step('Hotfix: Create Hotfix Branch (1/4)');
    await quick.type('x; rm');
    await quick.seeMessage('PROD-2847');
    await quick.accept();
    await quick.staysAt('(1/4)', 'x; rm');
    await quick.type('PROD-2847');
    await quick.accept();

    await quick.step('(2/4)');
    await quick.type('payment null pointer');
    await quick.seeMessage(`Branch: ${BRANCH}`);
    await quick.accept();

    await quick.step('(3/4)');
    await quick.seeFocused('v1.4.0', 'Detected baseline (recommended)');
    await quick.accept();

    await quick.step('(4/4)');
    await quick.seeRow('SEV1', 'Major');
    await quick.type('SEV1');
    await quick.seeFocused('SEV1');
    await quick.accept();
    created = true;
  });

  it(`creates ${BRANCH} at v1.4.0 and checks it out (git)`, async function () {
    if (!created) this.skip();
    const { git } = workbench();
    await eventually(() => git('symbolic-ref', '--short', 'HEAD'), (head) => head === BRANCH, `HEAD should be ${BRANCH}`);
    assert.equal(git('rev-parse', 'HEAD'), git('rev-parse', 'v1.4.0^{commit}'), 'the branch starts at the release tag');
    assert.equal(git('for-each-ref', '--format=%(refname:short)', 'refs/heads/hotfix/'), BRANCH, 'exactly one hotfix branch');
  });

  it('lists the new branch and the production baseline in the Hotfixes view', async function () {
    if (!created) this.skip();
    const view = new TreeView(workbench().page, 'Hotfixes');
    await view.open();
    await view.seeRow(BRANCH, 'PROD-2847 · SEV1 · 0 ahead · local only');
    await view.seeRow('production · v1.4.0');
  });

  it('reports the branch in a notification with the next step', async function () {
    if (!created) this.skip();
    const message = await seeNotification(workbench().page, `Created ${BRANCH} from v1.4.0 (`);
    assert.match(await message.innerText(), /^Created hotfix\/PROD-2847-payment-null-pointer from v1\.4\.0 \([0-9a-f]{8}\)\. .*Hotfix: Finish Hotfix/);
  });
});


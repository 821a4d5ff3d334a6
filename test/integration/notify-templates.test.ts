// Message templates are the team's regular files, never a way to read the machine: the built CLI
// (dist/cli.js) in a real git repository whose `.hotfix/templates/` holds symlinks (to a file outside
// the repository, to /proc/self/environ) and an oversized file. Nothing is sent for those messages,
// and each report names the file and what to do; a regular template is used.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createGitFixture, type GitFixture } from './fixtures/git';
import { runNode, type Ran } from './fixtures/process';
import { receiver, type Receiver } from './fixtures/receivers';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const MARKER = 'OUTSIDE-MARKER-7f3a9c';
const ENV_MARKER = 'ENVIRON-MARKER-52be11';

interface Channel {
  channel: string;
  ok: boolean;
  detail: string;
  attempts: number;
}

describe('notifications: templates must be regular files inside the repository (dist/cli.js, real git, 127.0.0.1)', function () {
  this.timeout(60_000);
  let repo: GitFixture;
  let slack: Receiver;
  let hook: Receiver;
  beforeEach(async () => {
    repo = createGitFixture();
    slack = await receiver(() => ({ status: 200, body: 'ok' }));
    hook = await receiver(() => ({ status: 200, body: 'ok' }));
  });
  afterEach(async () => {
    repo.dispose();
    await Promise.all([slack.close(), hook.close()]);
  });

  const env = () => ({ HOTFIX_SLACK_WEBHOOK_URL: `${slack.base}/services/T0/B0/SLACKSECRET`, HOTFIX_WEBHOOK_URL: `${hook.base}/hook/HOOKSECRET`, HOTFIX_TEST_MARKER: ENV_MARKER });
  const cli = (...args: string[]): Promise<Ran> => runNode([CLI, 'incident', ...args, '--json'], { cwd: repo.work, env: env() });
  const channels = (ran: Ran): Channel[] => {
    assert.equal(ran.code, 0, ran.err + ran.out);
    return (JSON.parse(ran.out) as { broadcast: { channels: Channel[] } }).broadcast.channels;
  };
  const received = () => [...slack.hits, ...hook.hits].map((h) => h.text).join('\n');

  it('a symlink out of the repository, to /proc/self/environ or an oversized file sends nothing on that message; a regular file is used', async () => {
    const templates = path.join(repo.work, '.hotfix', 'templates');
    mkdirSync(templates, { recursive: true });
    writeFileSync(path.join(repo.work, '.hotfix', 'config.yaml'), 'notifications:\n  slack: {}\n  webhook: {}\n');
    writeFileSync(path.join(repo.dir, 'outside.md'), `# ${MARKER}\n${MARKER}\n`);
    symlinkSync(path.join('..', '..', '..', 'outside.md'), path.join(templates, 'declared.md'));
    symlinkSync('/proc/self/environ', path.join(templates, 'update.md'));
    writeFileSync(path.join(templates, 'resolved.md'), `# big\n${'x'.repeat(100 * 1024)}\n`);
    repo.git('add', '.hotfix');
    repo.git('commit', '--quiet', '-m', 'team templates');

    const declared = channels(await cli('create', '--severity=sev1', '--title=Checkout down', '--impact=high', '--broadcast'));
    assert.deepEqual(declared.map((c) => [c.channel, c.ok, c.attempts]), [['slack', false, 0], ['webhook', false, 0]]);
    for (const c of declared) assert.equal(c.detail, '.hotfix/templates/declared.md is a symlink to outside the repository: replace it with a regular file');
    assert.equal(slack.hits.length + hook.hits.length, 0, `nothing may be sent: ${received()}`);

    const environ = channels(await cli('update', '--status=identified', '--broadcast'));
    for (const c of environ) assert.equal(c.detail, '.hotfix/templates/update.md is a symlink to outside the repository: replace it with a regular file');
    assert.equal(slack.hits.length + hook.hits.length, 0, `nothing may be sent: ${received()}`);

    const resolved = channels(await cli('resolve', '--root-cause=expired certificate', '--broadcast'));
    for (const c of resolved) {
      assert.equal(c.ok, false);
      assert.match(c.detail, /^\.hotfix\/templates\/resolved\.md is larger than 64 KiB/);
    }
    assert.equal(slack.hits.length + hook.hits.length, 0, `nothing may be sent: ${received()}`);

    // A regular template is the team's text; the incident itself was recorded all along.
    rmSync(path.join(templates, 'update.md')); // the link itself: writing through it would follow it
    writeFileSync(path.join(templates, 'update.md'), '# Update on {{incident.id}}: TEMPLATE-IN-USE\n{{changes}}\n');
    const reopened = channels(await cli('update', '--reopen', '--status=monitoring', '--note=flapping', '--broadcast'));
    assert.deepEqual(reopened.map((c) => c.ok), [true, true]);
    assert.match(received(), /TEMPLATE-IN-USE/);
    assert.ok(!received().includes(MARKER) && !received().includes(ENV_MARKER) && !received().includes('SECRET'), received());
    const shown = await runNode([CLI, 'incident', 'show', '--json'], { cwd: repo.work });
    assert.equal((JSON.parse(shown.out) as { incident: { status: string } }).incident.status, 'monitoring');
  });
});

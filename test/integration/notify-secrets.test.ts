// Secrets echoed back: real receivers on 127.0.0.1 answer `Cannot POST <path>` (and echo the
// PagerDuty routing key and the Statuspage API key) to the built CLI (dist/cli.js). No part of any
// secret may reach stdout, stderr, the audit log, `audit export` or the incident file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runNode, type Ran } from './fixtures/process';
import { repoWithReceivers } from './fixtures/receivers';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

const SLACK_PATH = '/services/T07Q8R9S0/B07A1B2C3D4/xOxOsEcReTtOkEn1234abcd';
const HOOK_PATH = '/hook/WHk9Zp2Lq7Vx';
const HOOK_SIG = 'Sig0123456789abcdefXYZ';
const PD_KEY = 'PDk3yR0ut1ngABCDEF0123456789abcd';
const SP_KEY = 'SPk3y0123456789abcdefXYZ';

/** Every piece of a secret that must never be shown: each path suffix, each token, each key. */
const FORBIDDEN = [
  SLACK_PATH,
  '/T07Q8R9S0/B07A1B2C3D4/xOxOsEcReTtOkEn1234abcd',
  '/B07A1B2C3D4/xOxOsEcReTtOkEn1234abcd',
  'xOxOsEcReTtOkEn1234abcd',
  'B07A1B2C3D4',
  'T07Q8R9S0',
  'WHk9Zp2Lq7Vx',
  HOOK_SIG,
  PD_KEY,
  SP_KEY,
];

function assertClean(where: string, text: string): void {
  for (const part of FORBIDDEN) assert.ok(!text.includes(part), `${where} shows ${part}:\n${text}`);
}

describe('notifications: a receiver that echoes the secret back never gets it shown or recorded (dist/cli.js, 127.0.0.1)', function () {
  this.timeout(60_000);
  const rig = repoWithReceivers();
  const cli = (env: Record<string, string>, ...args: string[]): Promise<Ran> => runNode([CLI, ...args], { cwd: rig.repo().work, env });

  it('404 "Cannot POST <path>", a routing key and an API key echoed in error bodies are redacted everywhere', async () => {
    // As Express and many proxies answer an unknown route: the request path in the error page.
    const echoPath = await rig.serve((hit) => ({ status: 404, body: `<pre>Cannot POST ${hit.url}</pre>` }));
    const pd = await rig.serve((hit) => ({ status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'invalid event', errors: [`routing_key ${(JSON.parse(hit.text) as { routing_key: string }).routing_key} is unknown`] }) }));
    const sp = await rig.serve((hit) => ({ status: 401, body: `Cannot ${hit.method} ${hit.url}: key "${hit.headers.authorization ?? ''}" is not valid` }));
    writeFileSync(path.join(rig.repo().work, '.hotfix', 'config.yaml'), 'notifications:\n  slack: {}\n  webhook: {}\n  pagerduty: {}\n  statuspage: { pageId: pg1 }\n');
    const env = {
      HOTFIX_SLACK_WEBHOOK_URL: `${echoPath.base}${SLACK_PATH}`,
      HOTFIX_WEBHOOK_URL: `${echoPath.base}${HOOK_PATH}?sig=${HOOK_SIG}&sv=1.0`,
      HOTFIX_PAGERDUTY_ROUTING_KEY: PD_KEY,
      HOTFIX_PAGERDUTY_API_BASE: pd.base,
      HOTFIX_STATUSPAGE_API_KEY: SP_KEY,
      HOTFIX_STATUSPAGE_API_BASE: sp.base,
    };

    const created = await cli(env, 'incident', 'create', '--severity=sev1', '--title=Checkout down', '--impact=high', '--broadcast');
    assert.equal(created.code, 0, created.err + created.out);
    assert.equal(echoPath.hits.length, 2, 'Slack and the webhook were each asked once (a 404 is not retried)');
    assert.ok(echoPath.hits.some((h) => h.url === SLACK_PATH), 'the receiver did echo the secret path');
    assert.match(created.out, /--broadcast: slack FAILED: HTTP 404 .*Cannot POST \[redacted\]/);
    assertClean('incident create stdout', created.out);
    assertClean('incident create stderr', created.err);

    // Someone pastes the webhook into a note: printed and stored redacted too.
    const updated = await cli(env, 'incident', 'update', '--status=identified', `--note=the hook ${env.HOTFIX_SLACK_WEBHOOK_URL} answers 404`, '--broadcast', '--json');
    assert.equal(updated.code, 0, updated.err + updated.out);
    const json = JSON.parse(updated.out) as { broadcast: { channels: { channel: string; ok: boolean; detail: string }[] } };
    assert.deepEqual(json.broadcast.channels.map((c) => [c.channel, c.ok]), [['slack', false], ['pagerduty', false], ['statuspage', false], ['webhook', false]]);
    assertClean('incident update --json stdout', updated.out);
    assertClean('incident update stderr', updated.err);

    const gitHotfix = path.join(rig.repo().work, '.git', 'hotfix');
    const audit = readFileSync(path.join(gitHotfix, 'audit.jsonl'), 'utf8');
    assert.equal(audit.split('\n').filter((l) => l.includes('"incident.notify"')).length, 8);
    assertClean('audit.jsonl', audit);
    for (const file of readdirSync(path.join(gitHotfix, 'incidents'))) {
      const incident = readFileSync(path.join(gitHotfix, 'incidents', file), 'utf8');
      assert.match(incident, /the hook \[redacted\] answers 404/);
      assertClean(file, incident);
    }

    // Without the secrets in its environment the CLI cannot redact on output: the files must be clean themselves.
    for (const format of ['json', 'csv']) {
      const exported = await cli({}, 'audit', 'export', `--format=${format}`);
      assert.equal(exported.code, 0, exported.err);
      assert.match(exported.out, /incident\.notify/);
      assertClean(`audit export --format=${format}`, exported.out);
    }
    const shown = await cli({}, 'incident', 'show', '--json');
    assertClean('incident show', shown.out);
    const verified = await cli({}, 'audit', 'verify');
    assert.equal(verified.code, 0, `the chain holds over the redacted records: ${verified.out}${verified.err}`);
  });
});

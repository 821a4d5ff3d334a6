// `verify` against real health endpoints: HTTP servers on 127.0.0.1 that answer from a script
// (pods in the test cluster do not run, so probes point at loopback). The built CLI, a real repository.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { gitflowRepo, type Repo } from './fixtures/repos';
import { runNode } from './fixtures/process';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

/** A health endpoint answering the statuses in turn (then 200); counts its probes. */
async function endpoint(statuses: number[], body = '{"status":"ok"}'): Promise<{ url: string; probes: () => number; server: Server }> {
  let probes = 0;
  const server = createServer((_req, res) => {
    probes++;
    res.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`, probes: () => probes, server };
}

const run = (repo: Repo, args: string[]) => runNode([CLI, ...args], { cwd: repo.work });

describe('CLI twin: verify polls health endpoints (real HTTP servers on 127.0.0.1, built dist/cli.js)', function () {
  this.timeout(30_000);
  const cleanup: (() => void)[] = [];
  after(() => cleanup.forEach((c) => c()));

  function repoWith(health: string, target = 'staging'): Repo {
    const repo = gitflowRepo();
    cleanup.push(() => repo.dispose());
    mkdirSync(path.join(repo.work, '.hotfix'));
    writeFileSync(path.join(repo.work, '.hotfix', 'config.yaml'), `targets:\n  ${target}:\n    namespace: shop\n    app: web\n    verify:\n      interval: 100ms\n      health:\n${health}`);
    return repo;
  }
  async function up(statuses: number[], body?: string) {
    const e = await endpoint(statuses, body);
    cleanup.push(() => e.server.close());
    return e;
  }

  it('a flap below the failure threshold passes; failures in a row up to the threshold fail and stop the watch', async () => {
    const flapping = await up([500, 500, 200, 503, 503, 200, 500, 500]);
    const repo = repoWith(`        critical:\n          - name: checkout\n            url: ${flapping.url}\n            failureThreshold: 3\n`);
    const passed = await run(repo, ['verify', '--target=staging', '--endpoints=critical', '--duration=1s']);
    assert.equal(passed.code, 0, passed.err);
    assert.match(passed.out, /staging verified: \d+ rounds over 1s passed: checkout: GET http:\/\/127\.0\.0\.1:\d+\/healthz answered 200/);
    assert.match(passed.err, /checkout: GET .* answered 500, expected 200 .*\(2 of 3 failures in a row tolerated\)/);
    assert.ok(flapping.probes() >= 9, `probed ${flapping.probes()} times`);

    const down = await up([200, 500, 500, 500, 500, 500]);
    const repo2 = repoWith(`        critical:\n          - name: checkout\n            url: ${down.url}\n            failureThreshold: 3\n`);
    const failed = await run(repo2, ['verify', '--target=staging', '--duration=30s', '--json']);
    assert.equal(failed.code, 1, failed.err);
    const report = JSON.parse(failed.out) as { ok: boolean; reason: string; rounds: number };
    assert.equal(report.ok, false);
    assert.match(report.reason, /Verification of staging failed: checkout: 3 failed probes in a row \(threshold 3\); last: GET .* answered 500, expected 200/);
    assert.equal(down.probes(), 4, 'stopped at the deciding probe, not after 30 s');
    const audit = readFileSync(path.join(repo2.work, '.git', 'hotfix', 'audit.jsonl'), 'utf8');
    assert.match(audit, /"action":"verify.watch".*"outcome":"fail"/);
  });

  it('checks the body, and says a dead endpoint is unreachable', async () => {
    const degraded = await up([], '{"status":"degraded"}');
    const repo = repoWith(`        critical:\n          - url: ${degraded.url}\n            bodyMatch: '"status":\\s*"ok"'\n            failureThreshold: 1\n`);
    const failed = await run(repo, ['verify', '--target=staging', '--duration=5s']);
    assert.equal(failed.code, 1);
    assert.match(failed.err, /answered 200 but the body does not match/);

    const dead = await up([]);
    await new Promise((resolve) => dead.server.close(resolve));
    const repo2 = repoWith(`        critical:\n          - url: ${dead.url}\n            failureThreshold: 2\n            timeout: 500ms\n`);
    const unreachable = await run(repo2, ['verify', '--target=staging', '--duration=5s']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.err, /2 failed probes in a row \(threshold 2\); last: GET .* failed after \d+ ms: ECONNREFUSED/);
  });

  it('refuses before watching: an unknown endpoint group, nothing to verify, an unconfirmed rollback of a protected target', async () => {
    const ok = await up([]);
    const repo = repoWith(`        critical:\n          - url: ${ok.url}\n`, 'production');
    const unknown = await run(repo, ['verify', '--target=production', '--endpoints=critcal']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /No health endpoint group critcal for target production\.\n {2}Known groups: critical\./);
    const protectedRollback = await run(repo, ['verify', '--environment=production', '--auto-rollback']);
    assert.equal(protectedRollback.code, 2);
    assert.match(protectedRollback.err, /production is protected: an automatic rollback of it needs your confirmation now, before the watch starts/);
    assert.equal(ok.probes(), 0, 'nothing was probed');

    const empty = gitflowRepo();
    cleanup.push(() => empty.dispose());
    mkdirSync(path.join(empty.work, '.hotfix'));
    writeFileSync(path.join(empty.work, '.hotfix', 'config.yaml'), 'targets:\n  staging:\n    namespace: shop\n    app: web\n');
    const nothing = await run(empty, ['verify', '--target=staging']);
    assert.equal(nothing.code, 2);
    assert.match(nothing.err, /Target staging has nothing to verify/);
  });
});

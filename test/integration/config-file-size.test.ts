// The config file adapter's size cap on a real file system: a file over 1 MiB is refused from its size,
// and a path that never ends (a symlink to /dev/zero) is refused after reading just past the cap.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readConfigFile } from '../../src/adapters/config-file';

const MIB = 1024 * 1024;

describe('config file adapter: the size cap of .hotfix/config.yaml', function () {
  this.timeout(20_000);
  let root: string;
  const configPath = (): string => path.join(root, '.hotfix', 'config.yaml');

  beforeEach(() => {
    root = realpathSync(mkdtempSync(path.join(tmpdir(), 'hotfix-config-size-')));
    mkdirSync(path.join(root, '.hotfix'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a 14.2 MiB file with its size, the limit and the file', async () => {
    writeFileSync(configPath(), `# ${'x'.repeat(Math.round(14.2 * MIB))}\n`);
    const result = await readConfigFile(root);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /^\.hotfix\/config\.yaml is 14\.2 MiB \(14,889,782 bytes\); the limit is 1 MiB: /);
  });

  it('reads a file just under the cap', async () => {
    const line = `# ${'x'.repeat(1021)}\n`;
    writeFileSync(configPath(), `version: 1\n${line.repeat(1023)}`);
    assert.deepEqual(await readConfigFile(root), { ok: true, value: { version: 1 } });
  });

  it('stops reading a file that never ends', async function () {
    if (process.platform === 'win32') this.skip(); // no /dev/zero
    symlinkSync('/dev/zero', configPath());
    const result = await readConfigFile(root);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /^\.hotfix\/config\.yaml is more than 1 MiB; the limit is 1 MiB: /);
  });
});

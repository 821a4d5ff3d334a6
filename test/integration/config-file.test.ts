import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONFIG_PATH, readConfigFile } from '../../src/adapters/config-file';

describe('config file adapter: .hotfix/config.yaml on disk', () => {
  let root: string;
  const write = (text: string): void => {
    mkdirSync(path.join(root, '.hotfix'), { recursive: true });
    writeFileSync(path.join(root, '.hotfix', 'config.yaml'), text);
  };

  beforeEach(() => {
    root = realpathSync(mkdtempSync(path.join(tmpdir(), 'hotfix-config-')));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lives at .hotfix/config.yaml', () => {
    assert.equal(CONFIG_PATH, '.hotfix/config.yaml');
  });

  it('gives the empty configuration when the file or its folder is absent', async () => {
    assert.deepEqual(await readConfigFile(root), { ok: true, value: {} });
    mkdirSync(path.join(root, '.hotfix'));
    assert.deepEqual(await readConfigFile(root), { ok: true, value: {} });
  });

  it('reads a valid file', async () => {
    write('\uFEFFgit:\r\n  model: trunk\r\n  tagPrefix: ""\r\nissueTracker:\r\n  urlTemplate: https://tracker.example/browse/{issue}\r\n');
    assert.deepEqual(await readConfigFile(root), {
      ok: true,
      value: { git: { model: 'trunk', tagPrefix: '' }, issueTracker: { urlTemplate: 'https://tracker.example/browse/{issue}' } },
    });
  });

  it('refuses an invalid file, labelled with the path relative to the root', async () => {
    write('git:\n  model: gitflw\n  modle: trunk\n');
    const result = await readConfigFile(root);
    assert.equal(result.ok, false);
    assert.equal(
      result.ok ? '' : result.reason,
      [
        '.hotfix/config.yaml:2:10: git.model: must be one of gitflow, trunk (found "gitflw")',
        '.hotfix/config.yaml:3:3: unknown key git.modle; known keys: model, productionBranch, developBranch, mainBranch, tagPrefix, remote, finish, forge',
      ].join('\n'),
    );
    assert.ok(!(result.ok ? '' : result.reason).includes(root), 'the message names the file relative to the repository');
  });

  it('says so when the path is there but cannot be read as a file', async () => {
    mkdirSync(path.join(root, '.hotfix', 'config.yaml'), { recursive: true });
    const result = await readConfigFile(root);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /^\.hotfix\/config\.yaml: cannot be read \(EISDIR\)/);
  });
});

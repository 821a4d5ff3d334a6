import assert from 'node:assert/strict';
import schema from '../../schemas/config.schema.json';
import { parseConfig } from '../../src/core/config/parse';
import type { HotfixConfigFile } from '../../src/core/config/types';
import type { Result } from '../../src/core/result';

const FILE = '.hotfix/config.yaml';

function problems(result: Result<HotfixConfigFile>): string[] {
  assert.equal(result.ok, false, 'expected the file to be refused');
  return result.ok ? [] : result.reason.split('\n');
}

describe('team configuration: parsing .hotfix/config.yaml', () => {
  it('reads a complete file', () => {
    const text = [
      '# Team settings for hotfix-deployer',
      'version: 1',
      'git:',
      '  model: gitflow',
      '  productionBranch: production',
      '  developBranch: develop',
      '  mainBranch: main',
      '  tagPrefix: ""',
      '  remote: origin',
      'issueTracker:',
      '  urlTemplate: https://tracker.example/browse/{issue}',
      '',
    ].join('\n');
    assert.deepEqual(parseConfig(text, FILE), {
      ok: true,
      value: {
        version: 1,
        git: { model: 'gitflow', productionBranch: 'production', developBranch: 'develop', mainBranch: 'main', tagPrefix: '', remote: 'origin' },
        issueTracker: { urlTemplate: 'https://tracker.example/browse/{issue}' },
      },
    });
  });

  it('takes an empty file, a file of comments and sections with every key commented out as the empty configuration', () => {
    assert.deepEqual(parseConfig('', FILE), { ok: true, value: {} });
    assert.deepEqual(parseConfig('# nothing yet\n\n', FILE), { ok: true, value: {} });
    assert.deepEqual(parseConfig('git:\n  # model: trunk\nissueTracker:\n', FILE), { ok: true, value: {} });
  });

  it('names file, line, column and key path for a value outside an enum', () => {
    const text = 'version: 1\n\ngit:\n  model: gitflw\n';
    assert.deepEqual(problems(parseConfig(text, FILE)), [`${FILE}:4:10: git.model: must be one of gitflow, trunk (found "gitflw")`]);
  });

  it('names an unknown key at the key, with the keys that are known there', () => {
    assert.deepEqual(problems(parseConfig('git:\n  modle: trunk\n', FILE)), [
      `${FILE}:2:3: unknown key git.modle; known keys: model, productionBranch, developBranch, mainBranch, tagPrefix, remote, finish, forge`,
    ]);
    assert.deepEqual(problems(parseConfig('version: 1\ntarget: {}\n', FILE)), [`${FILE}:2:1: unknown key target; known keys: version, git, issueTracker, targets, notifications, incidents, validate, prometheus`]);
    assert.deepEqual(problems(parseConfig('targets:\n  production:\n    namespace: payments\n    app: checkout\n    stratgy: rolling\n', FILE)), [
      `${FILE}:5:5: unknown key targets.production.stratgy; known keys: context, namespace, app, strategy, kind, helm, service, container, image, tagPattern, protected, progressDeadline, blueGreen, canary, smoke, validate, verify, gitops`,
    ]);
  });

  it('refuses branch and remote names git would refuse, saying what a name may not contain', () => {
    const text = 'git:\n  productionBranch: my branch\n  developBranch: a..b\n  mainBranch: "-main"\n  remote: "origin/"\n';
    const lines = problems(parseConfig(text, FILE));
    assert.deepEqual(
      lines.map((line) => line.replace(/ must be a valid git name.*\(found/, ' (found')),
      [
        `${FILE}:2:21: git.productionBranch: (found "my branch")`,
        `${FILE}:3:18: git.developBranch: (found "a..b")`,
        `${FILE}:4:15: git.mainBranch: (found "-main")`,
        `${FILE}:5:11: git.remote: (found "origin/")`,
      ],
    );
    assert.match(lines[0] ?? '', /must be a valid git name: no spaces, '\.\.', leading '-'.*trailing '\/'.*'\.lock'/);

    const refused = ['x.lock', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[0]', 'a\\\\b', 'release/', 'a\\tb'];
    for (const name of refused) {
      assert.equal(parseConfig(`git:\n  productionBranch: "${name}"\n`, FILE).ok, false, name);
    }
    for (const name of ['production', 'release/2024.06', 'hotfix/PROD-1_x', 'v1.x']) {
      assert.equal(parseConfig(`git:\n  productionBranch: ${name}\n`, FILE).ok, true, name);
    }
  });

  it('wants an http(s) tracker address with {issue} in it', () => {
    assert.deepEqual(problems(parseConfig('issueTracker:\n  urlTemplate: https://tracker.example/browse/\n', FILE)), [
      `${FILE}:2:16: issueTracker.urlTemplate: must be an http:// or https:// address with {issue} where the issue key goes, and no spaces ` +
        '(for example https://tracker.example/browse/{issue}) (found "https://tracker.example/browse/")',
    ]);
    assert.equal(parseConfig('issueTracker:\n  urlTemplate: ftp://tracker.example/{issue}\n', FILE).ok, false);
    assert.equal(parseConfig('issueTracker:\n  urlTemplate: http://tracker.example/?q={issue}&x=1\n', FILE).ok, true);
  });

  it('says what type a key needs, and to quote what YAML read as a number', () => {
    assert.deepEqual(problems(parseConfig('git:\n  tagPrefix: 1\n', FILE)), [`${FILE}:2:14: git.tagPrefix: must be a string (found 1; put it in quotes if it is meant as text)`]);
    assert.deepEqual(problems(parseConfig('git: [trunk]\n', FILE)), [`${FILE}:1:6: git: must be a mapping of keys to values (found a list)`]);
    assert.deepEqual(problems(parseConfig('- git\n', FILE)), [`${FILE}:1:1: must be a mapping of keys to values (found a list)`]);
    assert.deepEqual(problems(parseConfig('version: 2\n', FILE)), [`${FILE}:1:10: version: must be 1 (found 2)`]);
  });

  it('points an empty value at its key and reports it once', () => {
    assert.deepEqual(problems(parseConfig('git:\n  model:\n', FILE)), [`${FILE}:2:3: git.model: must be a string (found an empty value)`]);
  });

  it('reports every problem, one per line, in the order of the file', () => {
    const text = ['colour: blue', 'git:', '  model: gitflw', '  tagPrefix: [v]', 'issueTracker:', '  urlTemplate: tracker.example/{issue}', ''].join('\n');
    const result = parseConfig(text, FILE);
    const lines = problems(result);
    assert.deepEqual(
      lines.map((line) => line.split(': ').slice(0, 2).join(': ')),
      [`${FILE}:1:1: unknown key colour; known keys`, `${FILE}:3:10: git.model`, `${FILE}:4:14: git.tagPrefix`, `${FILE}:6:16: issueTracker.urlTemplate`],
    );
    assert.match(result.ok ? '' : (result.hint ?? ''), /Fix these 4 problems in \.hotfix\/config\.yaml/);
  });

  it('places YAML syntax errors at file:line:col', () => {
    assert.deepEqual(problems(parseConfig('git:\n  model: trunk\n  remote origin\n', FILE)), [
      `${FILE}:3:3: YAML syntax: Implicit map keys need to be followed by map values`,
    ]);
    assert.deepEqual(problems(parseConfig('git:\n  model: trunk: x\n', FILE)), [`${FILE}:2:10: YAML syntax: Nested mappings are not allowed in compact mappings`]);
    assert.deepEqual(problems(parseConfig('git:\n  model: trunk\n  model: gitflow\n', FILE)), [
      `${FILE}:3:3: YAML syntax: the key model appears twice in the same mapping; keep one`,
    ]);
    assert.deepEqual(problems(parseConfig('git:\n\tmodel: trunk\n', FILE)), [`${FILE}:2:1: YAML syntax: Tabs are not allowed as indentation`]);
    assert.match(problems(parseConfig('git: {}\n---\ngit: {}\n', FILE))[0] ?? '', /^\.hotfix\/config\.yaml:2:1: YAML syntax: the file must hold one document/);
    assert.deepEqual(problems(parseConfig('git: *base\n', FILE)), [`${FILE}:1:6: alias *base has no anchor &base before it`]);
    assert.deepEqual(problems(parseConfig('git:\n  model: !env MODEL\n', FILE)), [`${FILE}:2:10: YAML syntax: Unresolved tag: !env`]);
  });

  it('refuses a validation step written as a shell line: run is an argument array, never given to a shell', () => {
    const text = ['validate:', '  critical-path:', '    - name: unit', '      run: "npm test; rm -rf /"', ''].join('\n');
    assert.deepEqual(problems(parseConfig(text, FILE)), [
      `${FILE}:4:12: validate.critical-path.0.run: must be an argument array such as [npm, test]: it runs without a shell, so ";", "|", "&&" and other shell syntax are not interpreted (found "npm test; rm -rf /"); put anything a shell must do in a script file and run that`,
    ]);
  });

  it('shows the array form of a plain string command, for a validation step and a smoke command alike', () => {
    const text = ['validate:', '  ci:', '    - name: lint', '      run: npx eslint .', 'targets:', '  staging:', '    namespace: shop', '    app: checkout', '    smoke:', '      command: curl -f http://checkout/health', ''].join('\n');
    const found = problems(parseConfig(text, FILE));
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0] ?? '', /^\.hotfix\/config\.yaml:4:12: validate\.ci\.0\.run: must be an argument array such as \[npx, eslint, \.\]: it runs without a shell/);
    assert.match(found[1] ?? '', /^\.hotfix\/config\.yaml:10:16: targets\.staging\.smoke\.command: must be an argument array such as \[curl, -f, http:\/\/checkout\/health\]: it runs without a shell, so ";", "\|", "&&"/);
  });

  it('reads validation suites with their steps as argument arrays', () => {
    const text = ['validate:', '  ci:', '    - name: unit', '      run: [npm, test, --, --grep, "@critical"]', '      timeout: 5m', '    - name: migrate', '      run: [npm, run, migrate, --, --dry-run]', '      dryRun: true', '      cwd: db', ''].join('\n');
    assert.deepEqual(parseConfig(text, FILE), {
      ok: true,
      value: {
        validate: {
          ci: [
            { name: 'unit', run: ['npm', 'test', '--', '--grep', '@critical'], timeout: '5m' },
            { name: 'migrate', run: ['npm', 'run', 'migrate', '--', '--dry-run'], dryRun: true, cwd: 'db' },
          ],
        },
      },
    });
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'];
    assert.deepEqual(parseConfig(bomb.join('\n'), FILE), {
      ok: false,
      reason: `${FILE}: Excessive alias count indicates a resource exhaustion attack`,
      hint: 'Use fewer YAML aliases (*name).',
    });
  });
});

describe('team configuration: the JSON Schema the editor shows', () => {
  type SchemaNode = { title?: string; description?: string; properties?: Record<string, SchemaNode> };

  it('gives every property a title and a description for completion and hover', () => {
    const missing: string[] = [];
    const walk = (node: SchemaNode, path: string): void => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        if (!child.title || !child.description) missing.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
      }
    };
    walk(schema, '');
    assert.deepEqual(missing, []);
  });
});

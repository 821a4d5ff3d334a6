// The engine and the application layer speak no front end's words: no string in src/core or src/app
// names a CLI verb (`hotfix-deployer incident list`) or a CLI flag (`--incident`). What a person can
// do about a failure is a remedy (src/core/remedy.ts), which each front end renders. Comments are
// free, and so is src/core/pipeline (it generates CI files that call the CLI: naming it is the point).
// Each string kept on purpose is allow-listed below with its reason.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { buildProgram } from '../../src/cli/program';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const SCANNED = ['src/core', 'src/app'];
const SKIPPED = ['src/core/pipeline/'];

/**
 * Strings kept on purpose: [file, a fragment of the string, why]. Each must still match something,
 * so an entry goes when its string does.
 */
const ALLOWED: readonly (readonly [string, string, string])[] = [
  ['src/core/audit/anchor.ts', 'hotfix-deployer audit anchor', "the anchor commit's title in git: a fixed marker other clones and `git log` find it by, not advice"],
  ['src/core/config/init.ts', 'written by `hotfix-deployer init` (or Hotfix: Set Up Repository…)', 'a comment line of the generated .hotfix/config.yaml (documentation read in an editor, where no remedy renders): names what wrote it in both front ends'],
  ['src/core/config/init.ts', 'hotfix-deployer init --context', 'a comment line of the generated .hotfix/config.yaml (documentation read in an editor, where no remedy renders): how to fill the file from a cluster'],
  ['src/core/config/init.ts', '--yes or a typed confirmation', 'a comment line of the generated .hotfix/config.yaml (documentation): how each front end confirms a protected target'],
  ['src/core/config/init.ts', 'VS Code asks, the CLI needs --pause-gitops or --ignore-gitops', 'a comment line of the generated .hotfix/config.yaml (documentation): what autoSync: ask means in each front end'],
  ['src/core/notify/templates.ts', 'hotfix-deployer incident postmortem', 'the default text of a notification (Slack, Teams, a webhook): read in a chat, outside both front ends; teams override it in config'],
];

/** The verbs of the CLI, read from its command tree. */
const VERBS = buildProgram({ out: () => undefined, err: () => undefined }).commands.map((c) => c.name());
const VERB = new RegExp(`hotfix-deployer (?:${VERBS.join('|')})\\b`);
/** A long flag as a person types it; git's own (in a git command line) are not ours. */
const FLAG = /(?:^|[\s("'`=[])--[a-z][a-z-]+/;
const GIT_COMMAND = /\bgit [A-Za-z][a-z-]*(?:\s+(?:--?[a-z][a-z-]*(?:=\S+)?|[^\s,;()&-][^\s,;()&]*))*/g;

function files(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return files(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

interface Found {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** Every string literal and template (its text with `${…}` as X) in a file, with its line. */
function strings(file: string): Found[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(repoRoot, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Found[] = [];
  const add = (node: ts.Node, text: string) => found.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, text });
  const visit = (node: ts.Node): void => {
    // Module specifiers are not words for people.
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) add(node, node.text);
    else if (ts.isTemplateExpression(node)) add(node, [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('X'));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function offends(text: string): boolean {
  return VERB.test(text) || FLAG.test(text.replace(GIT_COMMAND, 'git'));
}

describe('engine words: no CLI verb or flag in src/core or src/app', () => {
  const scanned = SCANNED.flatMap(files).filter((f) => !SKIPPED.some((s) => f.startsWith(s)));
  const all = scanned.flatMap(strings).filter((s) => offends(s.text));
  const allowed = (s: Found) => ALLOWED.some(([file, fragment]) => s.file === file && s.text.includes(fragment));

  it('finds the strings it scans (the scanner works)', () => {
    assert.ok(scanned.length > 50, `${scanned.length} files`);
    assert.ok(offends('Run hotfix-deployer incident list --all.'));
    assert.ok(offends('Confirm with --yes.'));
    assert.ok(!offends('git fetch --unshallow --tags, then run it again'));
    assert.ok(!offends('Update it first: git switch X && git pull --ff-only, then finish again.'));
    assert.ok(!offends('Finish or abort it (git X --continue or --abort) first.'));
    assert.ok(!offends('written by a hotfix-deployer older than the chain'));
    assert.ok(!offends('1 -- 2'));
  });

  it('names no CLI verb or flag, outside the strings allowed on purpose', () => {
    const offending = all.filter((s) => !allowed(s));
    assert.deepEqual(
      offending.map((s) => `${s.file}:${s.line}: ${s.text}`),
      [],
      'say it as a remedy (src/core/remedy.ts) that each front end renders, or in words without the flag',
    );
  });

  it('every allowed string still exists', () => {
    for (const [file, fragment] of ALLOWED) assert.ok(all.some((s) => s.file === file && s.text.includes(fragment)), `${file}: ${fragment}`);
  });
});

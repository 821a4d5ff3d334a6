// Remedies rendered by both front ends: the CLI as a command line whose verb and flags the real
// command tree (buildProgram) has, the editor as a command of the manifest with its palette title and
// an options object the command's guard accepts. Every OperationName has a rendering in each.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { FILL_IN, remedy, type OperationName, type Remedy } from '../../src/core/remedy';
import { CLI_VERBS, remedyCommand, remedyLine, shellValue } from '../../src/cli/remedy';
import { buildProgram } from '../../src/cli/program';
import { reporter } from '../../src/cli/output';
import { failed } from '../../src/core/result';
import { commandArgsProblem } from '../../src/extension/command-args';
import { COMMAND_TITLES, editorRemedy } from '../../src/extension/remedy-map';
import { COMMANDS, VIEWS } from '../../src/shared/ids';

const OPERATIONS = Object.keys(CLI_VERBS) as OperationName[];
const repoRoot = path.resolve(__dirname, '..', '..', '..');

/**
 * The options each operation's remedies carry in src/core and src/app (engine names). A remedy with
 * an option not listed here fails the engine-words test's companion below: add it here with the flag
 * it must render to.
 */
const USED: readonly Remedy[] = [
  remedy('create', { from: 'production' }),
  remedy('create', { issue: FILL_IN, title: FILL_IN }),
  remedy('create', { from: 'running', target: 'production', onDrift: 'tag' }),
  remedy('finish', { continue: true }),
  remedy('finish', { abort: true }),
  remedy('finish', { branch: 'hotfix/PROD-1-x', push: false }),
  remedy('deploy', { target: 'web', continue: true }),
  remedy('deploy', { target: 'web', image: FILL_IN, incident: 'INC-1', confirmed: true }),
  remedy('deploy', { target: 'web', overrideValidation: FILL_IN }),
  remedy('deploy', { target: 'web', pauseGitops: true }),
  remedy('deploy', { target: 'web', ignoreGitops: true }),
  remedy('deploy', { target: 'web', gitops: 'pause' }),
  remedy('rollback', { target: 'web', toRevision: 3, immediate: true, incident: 'none' }),
  remedy('retire', { target: 'web', now: true }, { after: '2026-03-01T10:00:00.000Z' }),
  remedy('canary.promote', { target: 'web' }),
  remedy('canary.abort', { target: 'web' }),
  remedy('rollout', { target: 'web', action: 'promote', full: true, incident: 'INC-1', confirmed: true }),
  remedy('rollout', { target: 'web', action: 'undo', toRevision: 2 }),
  remedy('rollout', { target: 'web', action: 'status', watch: true }),
  remedy('targets'),
  remedy('validate', { target: 'staging', suite: 'critical-path', image: 'web:1.2', incident: 'INC-1' }),
  remedy('verify', { target: 'web', groups: 'critical', durationMs: 300_000, intervalMs: 10_000, autoRollback: true, confirmed: true }),
  remedy('running', { target: 'web', incident: 'INC-1' }),
  remedy('init', { context: 'kind', namespace: 'shop', overwrite: true }),
  remedy('incident.create', { severity: 'sev1', title: FILL_IN, impact: 'high' }),
  remedy('incident.update', { incident: 'INC-1', reopen: true, status: 'identified', note: FILL_IN }),
  remedy('incident.update', { incident: 'INC-1', correct: 2, note: FILL_IN, eta: FILL_IN }),
  remedy('incident.resolve', { incident: 'INC-1', rootCause: FILL_IN, actionItems: FILL_IN, keepGitopsPaused: FILL_IN, restoreGitopsAnyway: true }),
  remedy('incident.list', { all: true }),
  remedy('incident.show', { incident: 'INC-1' }),
  remedy('incident.postmortem', { incident: 'INC-1', output: 'postmortem.md', force: true }),
  remedy('gitops.status', { target: 'web' }),
  remedy('gitops.pause', { target: 'web', incident: 'INC-1', confirmed: true }),
  remedy('gitops.restore', { target: 'web', force: true, confirmed: true }),
  remedy('gitops.restore', { target: 'web', wait: true }),
  remedy('gitops.prepare', { target: 'web', image: 'web:1.2', push: true }),
  remedy('audit.verify', { offline: true }),
  remedy('audit.reconcile'),
];

function subcommand(program: Command, words: string): Command {
  let command = program;
  for (const word of words.split(' ')) {
    const next = command.commands.find((c) => c.name() === word);
    assert.ok(next, `the CLI has no verb "${words}"`);
    command = next;
  }
  return command;
}

/** The flags of a command line (`--name=value`, `--name`, `--no-name`), without values. */
const flagsOf = (line: string): string[] => [...line.matchAll(/ (--[a-z][a-z-]*)/g)].map((m) => m[1] ?? '');

describe('remedies in the CLI', () => {
  const program = buildProgram({ out: () => undefined, err: () => undefined });

  it('every operation is a verb this program has', () => {
    for (const operation of OPERATIONS) {
      const line = remedyCommand(remedy(operation));
      assert.ok(line.startsWith(`hotfix-deployer ${CLI_VERBS[operation].words}`), line);
      subcommand(program, CLI_VERBS[operation].words);
    }
    assert.deepEqual([...new Set(USED.map((r) => r.operation))].sort(), [...OPERATIONS].sort(), 'USED covers every operation');
  });

  it('every option the engine uses renders to a flag of that verb', () => {
    for (const r of USED) {
      const line = remedyCommand(r);
      const { words, positional } = CLI_VERBS[r.operation];
      const word = positional !== undefined ? r.options?.[positional] : undefined;
      const command = subcommand(program, word !== undefined ? `${words} ${String(word)}` : words);
      const known = command.options.map((o) => o.long ?? '');
      for (const flag of flagsOf(line)) assert.ok(known.includes(flag), `${line}: ${r.operation} has no ${flag} (it has ${known.join(' ')})`);
    }
  });

  it('renders values as a person types them', () => {
    assert.equal(remedyCommand(remedy('incident.list', { all: true })), 'hotfix-deployer incident list --all');
    assert.equal(remedyCommand(remedy('gitops.restore', { target: 'web' })), 'hotfix-deployer gitops restore --target=web');
    assert.equal(remedyCommand(remedy('canary.promote', { target: 'web' })), 'hotfix-deployer deploy --promote --target=web');
    assert.equal(remedyCommand(remedy('canary.abort', { target: 'web' })), 'hotfix-deployer rollback --target=web');
    assert.equal(remedyCommand(remedy('rollout', { target: 'web', action: 'promote', full: true })), 'hotfix-deployer rollout promote --target=web --full');
    assert.equal(remedyCommand(remedy('rollout', { target: 'web', action: 'undo', toRevision: 2 })), 'hotfix-deployer rollout undo --target=web --to-revision=2');
    assert.equal(remedyCommand(remedy('incident.update', { incident: 'INC-20261127-3F2A', reopen: true, note: FILL_IN })), 'hotfix-deployer incident update --id=INC-20261127-3F2A --reopen --note="…"');
    assert.equal(remedyCommand(remedy('incident.create', { title: 'Payment Gateway Down', impact: 'high: card "payments" fail' })), 'hotfix-deployer incident create --title="Payment Gateway Down" --impact="high: card \\"payments\\" fail"');
    assert.equal(remedyCommand(remedy('deploy', { target: 'web', overrideValidation: FILL_IN, confirmed: true, gitops: 'ignore' })), 'hotfix-deployer deploy --target=web --override-validation="…" --yes --ignore-gitops');
    assert.equal(remedyCommand(remedy('rollback', { target: 'web', toRevision: 3, immediate: false })), 'hotfix-deployer rollback --target=web --to-revision=3');
    assert.equal(remedyCommand(remedy('finish', { push: false })), 'hotfix-deployer finish --no-push');
    assert.equal(remedyCommand(remedy('verify', { target: 'web', durationMs: 300_000, intervalMs: 1500 })), 'hotfix-deployer verify --target=web --duration=5m --interval=1500ms');
    assert.equal(remedyCommand(remedy('validate', { target: 'staging', suite: 'smoke' })), 'hotfix-deployer validate --environment=staging --test-suite=smoke');
    assert.equal(shellValue('a $HOME `x`'), '"a \\$HOME \\`x\\`"');
    assert.equal(remedyLine(remedy('retire', { target: 'web' }, { after: '2026-03-01T10:00:00.000Z' })), 'run after 2026-03-01T10:00:00.000Z: hotfix-deployer retire --target=web');
    assert.equal(remedyLine(remedy('incident.list', { all: true }, { why: 'resolved ones too' })), 'run: hotfix-deployer incident list --all  (resolved ones too)');
  });

  it('a refusal prints each remedy after the hint, and --json carries them as data and as lines', () => {
    const refusal = { ...failed('There is no incident X.', 'List them.', [remedy('incident.list', { all: true })]), failure: 'not-found' as const };
    let err = '';
    let out = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (err += t) };
    assert.equal(reporter(io, false).refused(refusal), 1);
    assert.equal(err, 'hotfix-deployer: There is no incident X.\n  List them.\n  run: hotfix-deployer incident list --all\n');
    assert.equal(reporter(io, true).refused(refusal), 1);
    const doc = JSON.parse(out) as Record<string, unknown>;
    assert.deepEqual(doc, { ok: false, reason: 'There is no incident X.', hint: 'List them.', remedies: [{ operation: 'incident.list', options: { all: true } }], commands: ['hotfix-deployer incident list --all'], kind: 'not-found' });
  });
});

describe('remedies in the editor', () => {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { commands: { command: string; title: string }[] } };
  const titleOf = (id: string) => manifest.contributes.commands.find((c) => c.command === id)?.title;

  it('every operation is a command, a view or a log line', () => {
    for (const operation of OPERATIONS) {
      const shown = editorRemedy(remedy(operation), '/repo');
      if (shown.kind === 'command') assert.equal(shown.command, COMMANDS[shown.key]);
      else if (shown.kind === 'view') assert.ok((Object.values(VIEWS) as string[]).includes(shown.view));
      else assert.match(shown.text, /^To do: .+\.$/);
    }
  });

  it('buttons carry the palette titles of package.json', () => {
    for (const [key, title] of Object.entries(COMMAND_TITLES)) assert.equal(title, titleOf(COMMANDS[key as keyof typeof COMMANDS]), key);
  });

  it('options become the options object the command accepts; blanks and confirmations are asked by the command', () => {
    for (const r of USED) {
      const shown = editorRemedy(r, '/repo');
      if (shown.kind !== 'command') continue;
      assert.equal(commandArgsProblem(shown.key, shown.args), undefined, `${r.operation}: ${JSON.stringify(shown.args)}`);
      assert.equal(shown.args['confirmed'], undefined, r.operation);
      assert.ok(!Object.values(shown.args).includes(FILL_IN), r.operation);
      assert.equal(shown.args['root'], '/repo');
    }
    const deploy = editorRemedy(remedy('deploy', { target: 'web', pauseGitops: true, confirmed: true }));
    assert.deepEqual(deploy, { kind: 'command', key: 'deploy', command: 'hotfixDeployer.deploy', title: 'Deploy…', args: { target: 'web', gitops: 'pause' } });
    // A blank for the person: only what the command acts on is passed, so it asks for the rest.
    const reopen = editorRemedy(remedy('incident.update', { incident: 'INC-1', reopen: true, status: 'identified', note: FILL_IN }), '/repo');
    assert.deepEqual(reopen, { kind: 'command', key: 'updateIncident', command: 'hotfixDeployer.updateIncident', title: 'Update Incident…', args: { root: '/repo', id: 'INC-1', reopen: true } });
    assert.deepEqual(editorRemedy(remedy('deploy', { target: 'web', overrideValidation: FILL_IN, image: 'web:1' })), { kind: 'command', key: 'deploy', command: 'hotfixDeployer.deploy', title: 'Deploy…', args: { target: 'web' } });
    assert.deepEqual(editorRemedy(remedy('incident.update', { incident: 'INC-1', reopen: true })), { kind: 'command', key: 'updateIncident', command: 'hotfixDeployer.updateIncident', title: 'Update Incident…', args: { id: 'INC-1', reopen: true } });
    assert.deepEqual(editorRemedy(remedy('finish', { continue: true })), { kind: 'command', key: 'continueFinish', command: 'hotfixDeployer.continueFinish', title: 'Continue Finish', args: {} });
    assert.deepEqual(editorRemedy(remedy('incident.list', { all: true })), { kind: 'view', view: 'hotfixDeployer.incidents', title: 'Show Incidents' });
    const reconcile = editorRemedy(remedy('audit.reconcile'));
    assert.equal(reconcile.kind, 'text');
  });
});

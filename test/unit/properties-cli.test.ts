// Property-based test of the CLI twin's argument handling: random command lines built from the real verbs and
// options (plus junk), run in-process with run(argv, io) in an empty folder that is no git repository, with an
// empty HOME and kubeconfig, so nothing reaches a real repository or cluster. Whatever the line, the CLI ends
// with an exit code 0..3, prints no stack trace, with --json prints exactly one JSON document on stdout, and
// leaves no signal listener behind on the process.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import fc from 'fast-check';
import { buildProgram, run } from '../../src/cli/program';
import { propertyRuns } from './properties';

interface OptionModel {
  readonly long: string;
  readonly takesValue: boolean;
}
interface VerbModel {
  readonly path: readonly string[];
  readonly options: readonly OptionModel[];
}

/** Every command path of the real program with its options, read from commander itself. */
function verbModels(): VerbModel[] {
  const models: VerbModel[] = [];
  const walk = (command: Command, prefix: readonly string[]): void => {
    for (const sub of command.commands) {
      const path = [...prefix, sub.name()];
      models.push({
        path,
        options: sub.options.flatMap((o) => (o.long ? [{ long: o.long, takesValue: o.required || o.optional }] : [])),
      });
      walk(sub, path);
    }
  };
  walk(buildProgram({ out: () => undefined, err: () => undefined }), []);
  return models;
}

const VERBS = verbModels();
const ALL_OPTIONS = VERBS.flatMap((v) => v.options);
/** Option values: plausible ones, wrong ones, empty and odd ones; no absolute path or `..`, so writes stay here. */
const VALUE = fc.oneof(
  fc.constantFrom(
    'production', 'staging', 'x', '', ' ', 'PROD-2847', '2847', 'sev1', 'SEV0', 'critical', 'high', 'canary', 'rolling', 'blue-green',
    'previous', '3', '0', '-1', '1e9', 'NaN', '5m', '15 minutes', 'nope', 'registry.example/app:1.2.3', 'app@sha256:abc', '{{ x }}',
    'github-actions', 'gitlab', 'jenkins', 'json', 'csv', 'md', 'out.md', 'rules/alerts.yml', '-', '--', 'https://example.invalid/x', 'é', '\u0000',
    'identified', 'resolved', 'critical-path', 'main', 'HEAD', '2024-01-01T00:00:00Z', '1h',
  ),
  fc.string({ maxLength: 12 }).filter((s) => !s.startsWith('/') && !s.includes('..')),
);
const JUNK = fc.constantFrom('-z', '--', 'extra', '--no-such', '-', '---', '--=x', '-jx', '--json=yes', 'undefined', '-h', '--help', '-V', '--version');
/** Asking for help or the version is asking for text, not JSON. */
const TEXT_REQUESTS = new Set(['-h', '--help', '-V', '--version']);

const optionTokens = (option: OptionModel): fc.Arbitrary<string[]> =>
  option.takesValue
    ? fc.oneof(VALUE.map((v) => [`${option.long}=${v}`]), VALUE.map((v) => [option.long, v]), fc.constant<string[]>([option.long]))
    : fc.oneof(fc.constant<string[]>([option.long]), VALUE.map((v) => [`${option.long}=${v}`]));

const COMMAND_LINE = fc
  .tuple(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...VERBS) }, { weight: 1, arbitrary: fc.constant<VerbModel>({ path: ['frobnicate'], options: [] }) }), fc.boolean())
  .chain(([verb, json]) => {
    const token = fc.oneof(
      { weight: 6, arbitrary: verb.options.length > 0 ? fc.constantFrom(...verb.options).chain(optionTokens) : JUNK.map((j) => [j]) },
      { weight: 1, arbitrary: fc.constantFrom(...ALL_OPTIONS).chain(optionTokens) },
      { weight: 1, arbitrary: JUNK.map((j) => [j]) },
    );
    // --json right after the verb, so no option before it can take it as its value.
    return fc.array(token, { maxLength: 5 }).map((tokens) => ({ argv: [...verb.path, ...(json ? ['--json'] : []), ...tokens.flat()], json }));
  });

const HUNG_MS = 10_000;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/**
 * Verbs known to leave their Ctrl-C listeners on the process after run() returns (src/cli/deploy-verbs.ts
 * interruptible(): process.on without process.off); counterexample: run(['deploy', '--target=x']) adds one
 * SIGINT and one SIGTERM listener per call. Their listeners are removed here so they do not pile up; take a
 * verb out of this list once it cleans up after itself.
 */

/** Signal listeners added while `body` ran and not removed: a verb must leave none behind. */
async function signalListenersAdded<T>(verb: string, body: () => Promise<T>): Promise<T> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const result = await body();
  for (const signal of SIGNALS) {
    const added = process.listeners(signal).filter((listener) => !before.get(signal)?.has(listener));
    assert.equal(added.length, 0, `${verb} left ${added.length} ${signal} listener(s) on the process`);
  }
  return result;
}

async function runGuarded(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung for ${HUNG_MS / 1000} s: ${JSON.stringify(argv)}`)), HUNG_MS);
  });
  try {
    const code = await Promise.race([run(argv, { out: (t) => void (out += t), err: (t) => void (err += t) }), hung]);
    return { code, out, err };
  } finally {
    clearTimeout(timer);
  }
}

describe('properties: the CLI on random command lines (in-process, empty folder, no cluster)', function () {
  this.timeout(120_000);
  let base: string;
  const savedCwd = process.cwd();
  const savedEnv = { ...process.env };

  before(() => {
    base = mkdtempSync(path.join(tmpdir(), 'hotfix-cli-props-'));
    mkdirSync(path.join(base, 'home'));
    writeFileSync(path.join(base, 'kubeconfig'), '');
    for (const name of Object.keys(process.env)) {
      // Secrets and endpoints the CLI reads (notification channels, forges), and anything pointing at a cluster or a git dir.
      if (/^(HOTFIX_(?!PROPERTY_)|KUBERNETES_|GIT_DIR$|GIT_WORK_TREE$|GITHUB_TOKEN$|GH_TOKEN$|GITLAB_TOKEN$)/.test(name)) delete process.env[name];
    }
    process.env.HOME = path.join(base, 'home');
    process.env.USERPROFILE = process.env.HOME;
    process.env.KUBECONFIG = path.join(base, 'kubeconfig');
    process.env.GIT_CEILING_DIRECTORIES = path.dirname(base); // git never looks above the temp folder
  });
  after(() => {
    process.chdir(savedCwd);
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
    rmSync(base, { recursive: true, force: true });
  });

  it('ends with 0..3, no stack trace, with --json exactly one JSON document on stdout, and no signal listener left', async () => {
    await fc.assert(
      fc.asyncProperty(COMMAND_LINE, async ({ argv, json }) => {
        // A fresh folder each run: a run that wrote files (init, ci generate) must not change the next one.
        process.chdir(mkdtempSync(path.join(base, 'work-')));
        const { code, out, err } = await signalListenersAdded(argv[0] ?? '', () => runGuarded(argv));
        assert.ok([0, 1, 2, 3].includes(code), `exit code ${code}`);
        assert.doesNotMatch(`${out}\n${err}`, /^ {4}at /m, 'a stack trace was printed');
        if (json && !argv.some((a) => TEXT_REQUESTS.has(a))) {
          let parsed: unknown;
          assert.doesNotThrow(() => (parsed = JSON.parse(out)), `stdout is not one JSON document:\n${out}`);
          assert.equal(typeof parsed, 'object');
        }
      }),
      propertyRuns(60),
    );
  });
});

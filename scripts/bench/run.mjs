// @ts-check
// `npm run bench`: times `create` on a generated repository (20,000 commits, 10,000 tags) against the
// bare git commands that do the same, side by side in one run (issue #3: within 1.5x of bare git), and
// reports the production bundle sizes; then rollback latency per strategy on a test control plane
// against `kubectl rollout undo` and one bare PATCH (issue #4, scripts/bench/rollback.mjs). A benchmark,
// not a test: it prints figures and exits 0 unless something broke; `--strict` exits 1 when a target is
// missed. `--only=create|rollback|panel|activation` runs one part. `--baseline=DIR` also times the create
// engine compiled in another checkout (its out/), interleaved, for before/after figures. Last, activation
// and size (issue #8, scripts/bench/activation.mjs): `--activations=N` fresh extension-host starts (5).
// Config (scripts/bench/config.mjs): parseConfig on 16,000 targets (under 1 s) and on files at the 1 MiB cap.
// The CLI process (issue #20, scripts/bench/cli.mjs): --version, --help, status, rollback and deploy as whole
// processes against kubectl and bare git, within 1.5x; with `--baseline=DIR`, that checkout's build too.
//   node scripts/bench/run.mjs [--only=create|rollback|panel|activation|config|cli] [--iterations=20] [--warmup=3] [--activations=5] [--baseline=DIR] [--no-cli] [--no-bundles] [--strict]
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildProduction } from './bundles.mjs';
import { ensureFixture, SHAPE } from './fixture.mjs';
import { bareGitCreate, cliCreate, engineCreate, loadEngine, pristine, profileEngine, summary, verifyAndReset } from './measure.mjs';

const TARGET = 1.5;
const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const { values: flags } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    activations: { type: 'string', default: '5' },
    'no-cli': { type: 'boolean', default: false },
    'no-bundles': { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    baseline: { type: 'string' },
    only: { type: 'string' },
  },
});
const iterations = Number(flags.iterations);
const warmup = Number(flags.warmup);
const activations = Number(flags.activations);
if (!Number.isInteger(iterations) || iterations < 1 || !Number.isInteger(warmup) || warmup < 0 || !Number.isInteger(activations) || activations < 1 || ![undefined, 'create', 'rollback', 'panel', 'activation', 'config', 'cli'].includes(flags.only)) {
  console.error('usage: node scripts/bench/run.mjs [--only=create|rollback|panel|activation|config|cli] [--iterations=N (>= 1)] [--warmup=N (>= 0)] [--activations=N (>= 1)] [--baseline=DIR] [--no-cli] [--no-bundles] [--strict]');
  process.exit(2);
}

const fmt = (ms) => ms.toFixed(1);
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
/** @param {string[][]} rows */
function table(rows) {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r) => `| ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [line(rows[0] ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** The create half (issue #3). @param {ReturnType<typeof buildProduction> | undefined} build @returns {Promise<boolean>} whether its target was met */
async function benchCreate(build) {
  const engine = loadEngine(projectRoot);
  const baseline = flags.baseline === undefined ? undefined : { dir: path.resolve(flags.baseline), engine: loadEngine(path.resolve(flags.baseline)) };
  const gitVersion = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
  console.log(`hotfix-deployer bench: create, ${SHAPE.productionCommits.toLocaleString('en')} commits, 10,000 tags (${gitVersion}, node ${process.version}, ${availableParallelism()} CPUs)`);
  const fixture = await ensureFixture({ log: (line) => console.log(line) });
  console.log(`repository: ${fixture.work} (${fixture.generated ? `generated in ${fixture.seconds.toFixed(1)} s` : 'reused from the cache'}), ${fixture.tags} tags`);
  console.log(`expected base: ${fixture.expected.name} (${fixture.expected.sha.slice(0, 8)})`);

  try {
    pristine(fixture);
    /** @type {{ key: string, label: string, run: () => Promise<{ ms: number }> }[]} */
    const measures = [
      { key: 'engine', label: '(a) engine: openWorkspace + createHotfix', run: () => engineCreate(engine, fixture) },
      { key: 'git', label: '(b) bare git: status, tag --merged --sort, switch -c', run: () => bareGitCreate(fixture) },
    ];
    if (baseline) {
      measures.splice(1, 0, { key: 'baseline', label: `(a0) baseline engine: ${baseline.dir}`, run: () => engineCreate(baseline.engine, fixture) });
    }
    if (build && !flags['no-cli']) {
      const cli = path.join(build.dist, 'cli.js');
      // Its code cache in the temporary build's folder: warmed by the warm-up rounds, gone with it.
      const env = { ...process.env, XDG_CACHE_HOME: path.join(build.dir, 'cache') };
      measures.push({ key: 'cli', label: '(c) CLI process: node dist/cli.js create (production build)', run: () => cliCreate(cli, fixture, env) });
    }
    /** @type {Record<string, number[]>} */
    const samples = Object.fromEntries(measures.map((m) => [m.key, []]));
    console.log(`\ntiming: ${warmup} warm-up + ${iterations} measured rounds; each round runs every measure once, in a rotating order`);
    for (let round = 0; round < warmup + iterations; round++) {
      for (let i = 0; i < measures.length; i++) {
        const measure = /** @type {typeof measures[0]} */ (measures[(round + i) % measures.length]);
        const { ms } = await measure.run();
        verifyAndReset(fixture, measure.label);
        if (round >= warmup) {
          samples[measure.key]?.push(ms);
        }
      }
      process.stdout.write(round + 1 === warmup + iterations ? '\n' : '.');
    }

    const stats = Object.fromEntries(measures.map((m) => [m.key, summary(samples[m.key] ?? [])]));
    const base = stats.git;
    const rows = [['measure', 'runs', 'median ms', 'p90 ms', 'min ms', 'median vs (b)', 'p90 vs (b)']];
    for (const m of measures) {
      const s = stats[m.key];
      if (s && base) {
        rows.push([m.label, String(s.runs), fmt(s.median), fmt(s.p90), fmt(s.min), `${(s.median / base.median).toFixed(2)}x`, `${(s.p90 / base.p90).toFixed(2)}x`]);
      }
    }
    console.log(`\n${table(rows)}`);
    const ratio = (stats.engine?.median ?? NaN) / (base?.median ?? NaN);
    const met = ratio <= TARGET;
    console.log(`\ntarget (issue #3): (a) within ${TARGET}x of (b) at the median: ${met ? 'MET' : 'NOT MET'} (${ratio.toFixed(2)}x)`);

    const profile = await profileEngine(engine, fixture);
    verifyAndReset(fixture, 'profile');
    const silent = profile.commands.filter((c) => c.silent).length;
    console.log(
      `\nengine profile (one run, ${fmt(profile.ms)} ms; openWorkspace ${fmt(profile.openMs)} ms): ${profile.commands.length} git commands through the adapter ` +
        `(+1 rev-parse in locateRepository), ${silent} with nothing on stdout (simple-git waits 50 ms after a command that prints nothing at all)`,
    );
    const short = (args) => (args.length > 80 ? `${args.slice(0, 77)}...` : args);
    console.log(
      table([
        ['git command (adapter), in call order', 'called at ms', 'queued + run ms', 'stdout'],
        ...profile.commands.map((c) => [short(c.args), fmt(c.at), fmt(c.ms), c.silent ? 'empty' : 'yes']),
      ]),
    );

    if (build && !flags['no-bundles']) {
      console.log('\nbundle sizes (node scripts/build.mjs --production, built in a temporary copy):');
      console.log(table([['bundle', 'bytes', 'size', 'gzip -9'], ...build.sizes.map((b) => [b.file, String(b.bytes), kib(b.bytes), kib(b.gzip)])]));
    }
    return met;
  } finally {
    pristine(fixture);
  }
}

const create = flags.only === undefined || flags.only === 'create';
const rollback = flags.only === undefined || flags.only === 'rollback';
const panel = flags.only === undefined || flags.only === 'panel';
const activation = flags.only === undefined || flags.only === 'activation';
const config = flags.only === undefined || flags.only === 'config';
const cli = flags.only === undefined || flags.only === 'cli';
const build = (create && !(flags['no-bundles'] && flags['no-cli'])) || (rollback && !flags['no-cli']) || activation || cli ? buildProduction(projectRoot) : undefined;
// The baseline checkout's production build, for the CLI part's before/after figures.
const baselineBuild = cli && flags.baseline !== undefined ? buildProduction(path.resolve(flags.baseline)) : undefined;
process.once('exit', () => {
  build?.dispose();
  baselineBuild?.dispose();
}); // also when Ctrl-C stops the rollback half (it exits after stopping its cluster)
try {
  let met = true;
  if (create) met = (await benchCreate(build)) && met;
  if (rollback) {
    const cli = build && !flags['no-cli'] ? path.join(build.dist, 'cli.js') : undefined;
    const { benchRollback } = await import('./rollback.mjs'); // loads client-node and the test cluster's script
    met = (await benchRollback({ projectRoot, iterations, warmup, table, ...(cli ? { cli } : {}) })).met && met;
  }
  if (panel) {
    const { benchPanel } = await import('./panel.mjs'); // needs dist/webview.js (npm run build) and Debian's Chromium
    met = (await benchPanel({ iterations: Math.min(iterations, 10), warmup: Math.min(warmup, 2), table })).met && met;
  }
  if (config) {
    const { benchConfig } = await import('./config.mjs'); // the compiled parser in out/ (npm run compile-tests)
    met = (await benchConfig({ projectRoot, iterations: Math.min(iterations, 10), warmup: Math.min(warmup, 2), table })).met && met;
  }
  if (cli && build) {
    const { benchCli } = await import('./cli.mjs'); // kubectl and the test cluster, as the rollback part
    met = (await benchCli({ projectRoot, dist: build.dist, ...(baselineBuild ? { baselineDist: baselineBuild.dist } : {}), iterations, warmup, activations, table })).met && met;
  }
  if (activation && build) {
    const { benchActivation } = await import('./activation.mjs'); // needs the extension host (test/host/setup-vscode-host.sh)
    met = (await benchActivation({ build, rounds: activations, table })).met && met;
  }
  if (flags.strict && !met) {
    process.exitCode = 1;
  }
} finally {
  build?.dispose();
  baselineBuild?.dispose();
}

// @ts-check
// The config benchmark: parseConfig (yaml, the linear shape check, ajv) on large .hotfix/config.yaml files,
// from the compiled engine in out/ (`npm run compile-tests`). Target: 16,000 targets parse in under 1 s
// (median wall time). Also timed, without a target: files just under the 1 MiB cap, valid and as bad as
// they come (every target wrong, nearly the most aliases allowed), to show none of them takes minutes. CPU time is
// printed beside wall time: on a busy machine the wall time measures the neighbours too.
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const TARGET_MS = 1000;
const FILE = '.hotfix/config.yaml';

/** `targets:` with `count` targets written by `line(i)`; each line ends with a newline. */
const targets = (count, line) => `targets:\n${Array.from({ length: count }, (_, i) => line(i)).join('')}`;

/** The most `line(i)` entries that keep the file under the cap (less `reserve` bytes for a tail). */
function fill(cap, line, reserve = 0) {
  let count = 0;
  let bytes = 'targets:\n'.length + reserve;
  while (bytes + Buffer.byteLength(line(count)) <= cap) bytes += Buffer.byteLength(line(count++));
  return count;
}

/** @param {number} cap */
function cases(cap) {
  const block = (i) => `  t${i}:\n    namespace: ns${i}\n    app: app${i}\n`;
  const flow = (i) => `  t${i}: {namespace: ns, app: web}\n`;
  const wrong = (i) => `  t${i}: {namespace: 1}\n`;
  // Anchors on every 50th target, repeated by the 49 after it (the parser allows 100 uses of one anchor).
  const aliased = (i) => (i % 50 === 0 ? `  t${i}: {namespace: &ns${i} payments, app: &app${i} web}\n` : `  t${i}: {namespace: *ns${i - (i % 50)}, app: *app${i - (i % 50)}}\n`);
  const comment = (bytes) => `# ${'x'.repeat(Math.max(0, bytes - 3))}\n`;
  const flowCount = fill(cap, flow);
  const wrongCount = fill(cap, wrong);
  const aliasText = targets(500, aliased);
  return [
    { label: '16,000 targets, block style (the target)', text: targets(16_000, block), ok: true, target: true },
    { label: `${flowCount.toLocaleString('en')} targets, flow style: one mapping of that many keys, under 1 MiB`, text: targets(flowCount, flow), ok: true },
    { label: `${wrongCount.toLocaleString('en')} targets each missing app, under 1 MiB (every one refused)`, text: targets(wrongCount, wrong), ok: false },
    { label: '980 aliases (the most allowed is 1,000) and a comment filling up to 1 MiB', text: `${aliasText}${comment(cap - Buffer.byteLength(aliasText))}`, ok: true },
  ];
}

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

/** @param {{ projectRoot: string, iterations: number, warmup: number, table: (rows: string[][]) => string }} options */
export async function benchConfig({ projectRoot, iterations, warmup, table }) {
  const out = path.join(projectRoot, 'out', 'src', 'core', 'config');
  let parseConfig;
  let cap;
  try {
    ({ parseConfig } = require(path.join(out, 'parse.js')));
    ({ CONFIG_MAX_BYTES: cap } = require(path.join(out, 'size.js')));
  } catch (error) {
    throw new Error(`cannot load the compiled config parser from ${out}: run \`npm run compile-tests\` first`, { cause: error });
  }
  console.log(`\nhotfix-deployer bench: config, parseConfig on large ${FILE} files (node ${process.version})`);
  const rows = [['file', 'size', 'result', 'median ms', 'p90 ms', 'min ms', 'median CPU ms']];
  let targetMedian = NaN;
  for (const c of cases(cap)) {
    const wall = [];
    const cpu = [];
    let result;
    for (let i = 0; i < warmup + iterations; i++) {
      const started = process.hrtime.bigint();
      const usage = process.cpuUsage();
      result = parseConfig(c.text, FILE);
      const spent = process.cpuUsage(usage);
      if (i < warmup) continue;
      wall.push(Number(process.hrtime.bigint() - started) / 1e6);
      cpu.push((spent.user + spent.system) / 1000);
    }
    if (result?.ok !== c.ok) throw new Error(`${c.label}: expected ${c.ok ? 'acceptance' : 'a refusal'}, got ${JSON.stringify(result).slice(0, 300)}`);
    const kib = `${(Buffer.byteLength(c.text) / 1024).toFixed(0)} KiB`;
    const problems = result.ok ? 'accepted' : `refused (${result.hint?.match(/these ([\d,]+) problems/)?.[1] ?? 1} problems)`;
    rows.push([c.label, kib, problems, ...[quantile(wall, 0.5), quantile(wall, 0.9), Math.min(...wall), quantile(cpu, 0.5)].map((ms) => ms.toFixed(0))]);
    if (c.target) targetMedian = quantile(wall, 0.5);
  }
  console.log(table(rows));
  const met = targetMedian < TARGET_MS;
  console.log(`target: 16,000 targets parse in under ${TARGET_MS} ms (median wall time): ${met ? 'met' : 'MISSED'} (${targetMedian.toFixed(0)} ms; ${iterations} runs after ${warmup} warm-up)`);
  return { met };
}

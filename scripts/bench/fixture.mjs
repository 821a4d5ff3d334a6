// @ts-check
// The benchmark's repository, generated once with `git fast-import` and reused: a production branch
// of 20,000 commits, 10,000 tags (mostly vX.Y.Z releases, created in a shuffled order, plus
// pre-releases and other tags, some only on develop), a develop branch, and a bare remote.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';

/** Bump when the shape changes, so a cached repository from an older generator is rebuilt. */
const GENERATOR = 1;

export const SHAPE = Object.freeze({
  generator: GENERATOR,
  productionCommits: 20_000,
  developCommits: 200,
  files: 100,
  releases: 9_400, // on production, in history order: v1.0.0 … v5.55.24
  productionPrereleases: 200, // vX.Y.Z-rc.N just before their release, reachable but not releases
  developPrereleases: 100, // v5.56.0-rc.N … on develop only
  developReleases: 50, // releases tagged on develop, not (yet) in production: not a hotfix base
  otherTags: 250, // build-N, deploy/…: not semver
  seed: 20240603,
});

const IDENTITY = { name: 'Bench Bot', email: 'bench@example.invalid' };
const EPOCH = 1_600_000_000;

/**
 * @typedef {object} Fixture
 * @property {string} dir        the cache folder
 * @property {string} work       the work tree (a clone of the remote, production checked out)
 * @property {string} remote     the bare remote
 * @property {string} production the production branch name
 * @property {{ name: string, sha: string }} expected the release a hotfix must start from
 * @property {number} tags
 * @property {boolean} generated whether this run generated it (false: reused)
 * @property {number} seconds    generation time, when generated
 */

export function cacheRoot() {
  return path.join(process.env.HOTFIX_CACHE ?? path.join(homedir(), '.cache', 'hotfix-deployer'), 'bench');
}

/** Version k of the release sequence: 2,000 per major, 25 patches per minor (so v1.10.0 > v1.9.24). */
function releaseVersion(k) {
  return `${1 + Math.floor(k / 2000)}.${Math.floor((k % 2000) / 25)}.${k % 25}`;
}

/** mulberry32: a small seeded generator, so the shuffle (and the repository) is the same every time. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {string} text */
function data(text) {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/** The fast-import stream, and which tag is the expected base (by the mark of its commit). */
function stream() {
  const s = SHAPE;
  const rand = random(s.seed);
  const who = `${IDENTITY.name} <${IDENTITY.email}>`;
  const file = (k) => `src/module${k % 10}/file${k}.txt`;
  const out = ['feature done\n'];

  // Production: commit i has mark :i+1; one file changes per commit.
  for (let i = 0; i < s.productionCommits; i++) {
    out.push(`commit refs/heads/production\nmark :${i + 1}\ncommitter ${who} ${EPOCH + i * 600} +0000\n`);
    out.push(data(`change ${i}: adjust ${file(i % s.files)}\n`));
    if (i === 0) {
      for (let k = 0; k < s.files; k++) {
        out.push(`M 100644 inline ${file(k)}\n`, data(`file ${k}\nrevision 0\n`));
      }
    } else {
      out.push(`from :${i}\n`, `M 100644 inline ${file(i % s.files)}\n`, data(`file ${i % s.files}\nrevision ${i}\n`));
    }
  }
  // Develop: from the production tip.
  const devBase = s.productionCommits;
  for (let j = 0; j < s.developCommits; j++) {
    const mark = devBase + j + 1;
    out.push(`commit refs/heads/develop\nmark :${mark}\ncommitter ${who} ${EPOCH + (devBase + j) * 600} +0000\n`);
    out.push(data(`develop ${j}\n`), `from :${mark - 1}\n`);
    out.push(`M 100644 inline ${file(j % s.files)}\n`, data(`file ${j % s.files}\ndevelop ${j}\n`));
  }

  /** @type {{ name: string, mark: number, annotated: boolean }[]} */
  const tags = [];
  // Releases spread over production, the last one 10 commits below the tip.
  const lastReleaseCommit = s.productionCommits - 11;
  const step = lastReleaseCommit / (s.releases - 1);
  for (let k = 0; k < s.releases; k++) {
    const commit = Math.round(k * step);
    tags.push({ name: `v${releaseVersion(k)}`, mark: commit + 1, annotated: k % 5 !== 0 });
    if (k % Math.floor(s.releases / s.productionPrereleases) === 0) {
      tags.push({ name: `v${releaseVersion(k)}-rc.1`, mark: Math.max(1, commit), annotated: true }); // the commit below
    }
  }
  const nextMinor = releaseVersion(s.releases - 1).replace(/^(\d+)\.(\d+)\..*$/, (_, a, b) => `${a}.${Number(b) + 1}`);
  for (let j = 0; j < s.developPrereleases; j++) {
    tags.push({ name: `v${nextMinor}.0-rc.${j + 1}`, mark: devBase + 1 + (j % s.developCommits), annotated: true });
  }
  for (let j = 0; j < s.developReleases; j++) {
    tags.push({ name: `v${nextMinor}.${j}`, mark: devBase + 1 + ((j * 3) % s.developCommits), annotated: true });
  }
  for (let j = 0; j < s.otherTags; j++) {
    const name = j % 2 === 0 ? `build-${10_000 + j}` : `deploy/2024-${String(1 + (j % 12)).padStart(2, '0')}-${j}`;
    tags.push({ name, mark: 1 + Math.floor(rand() * (s.productionCommits + s.developCommits)), annotated: j % 3 === 0 });
  }
  // Created in a shuffled order (Fisher-Yates), with tagger dates in that order.
  for (let i = tags.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [tags[i], tags[j]] = [/** @type {typeof tags[0]} */ (tags[j]), /** @type {typeof tags[0]} */ (tags[i])];
  }
  tags.forEach((tag, order) => {
    if (tag.annotated) {
      out.push(`tag ${tag.name}\nfrom :${tag.mark}\ntagger ${who} ${EPOCH + 50_000_000 + order * 60} +0000\n`, data(`Release ${tag.name}\n`));
    } else {
      out.push(`reset refs/tags/${tag.name}\nfrom :${tag.mark}\n\n`);
    }
  });
  out.push('done\n');
  return { text: out.join(''), tags: tags.length, expected: `v${releaseVersion(s.releases - 1)}` };
}

/** @param {string[]} args @param {string} [cwd] */
function git(args, cwd) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** @param {string} cwd @param {string} input */
function fastImport(cwd, input) {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet', '--done'], { cwd, stdio: ['pipe', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(undefined) : reject(new Error(`git fast-import exited with ${code}`))));
    child.stdin.end(input);
  });
}

/**
 * The fixture, generated when the cache holds none for this shape (a marker records the shape and is
 * written last, so an interrupted generation is redone).
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<Fixture>}
 */
export async function ensureFixture(options = {}) {
  const log = options.log ?? (() => undefined);
  const dir = path.join(cacheRoot(), `repo-g${SHAPE.generator}-${SHAPE.productionCommits}c-${SHAPE.releases + SHAPE.productionPrereleases + SHAPE.developPrereleases + SHAPE.developReleases + SHAPE.otherTags}t`);
  const marker = path.join(dir, 'READY.json');
  const work = path.join(dir, 'work');
  const remote = path.join(dir, 'remote.git');
  if (existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, 'utf8'));
    if (JSON.stringify(saved.shape) === JSON.stringify(SHAPE)) {
      return { dir, work, remote, production: 'production', expected: saved.expected, tags: saved.tags, generated: false, seconds: 0 };
    }
  }

  const t0 = process.hrtime.bigint();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`generating the benchmark repository in ${dir} (once; later runs reuse it)`);
  const { text, tags, expected } = stream();
  git(['init', '--quiet', '--bare', remote]);
  await fastImport(remote, text);
  git(['symbolic-ref', 'HEAD', 'refs/heads/production'], remote);
  git(['pack-refs', '--all'], remote);
  git(['clone', '--quiet', '--branch', 'production', remote, work]);
  git(['branch', '--quiet', '--track', 'develop', 'origin/develop'], work);
  git(['config', 'user.name', IDENTITY.name], work);
  git(['config', 'user.email', IDENTITY.email], work);
  // What `git gc` (auto or maintenance) leaves in a long-lived clone.
  git(['commit-graph', 'write', '--reachable'], work);
  const sha = git(['rev-parse', `${expected}^{commit}`], work);
  const count = Number(git(['for-each-ref', '--format=x', 'refs/tags'], work).split('\n').length);
  if (count !== tags) {
    throw new Error(`expected ${tags} tags in the generated repository, found ${count}`);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  writeFileSync(marker, `${JSON.stringify({ shape: SHAPE, expected: { name: expected, sha }, tags, seconds }, null, 2)}\n`);
  return { dir, work, remote, production: 'production', expected: { name: expected, sha }, tags, generated: true, seconds };
}

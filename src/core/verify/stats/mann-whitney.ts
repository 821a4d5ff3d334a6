// The Mann-Whitney U test (Wilcoxon rank-sum) of two independent samples, as R's wilcox.test computes
// it: U of the first sample counts the pairs in which it is larger (a tie counts one half); the p-value
// is exact (the permutation distribution of U) when both samples are under 50 and nothing is tied,
// else the normal approximation with the tie-corrected variance and a continuity correction of 1/2.
// No maintained JavaScript library offers the test, so it is written here, small and pure, over
// stdlib's normal distribution function; the unit test holds it to published worked examples
// (test/unit/stats.test.ts says which).

import type cdfFunction from '@stdlib/stats-base-dists-normal-cdf';

// Required on first use, not with the bundle: stdlib's function initialises some thirty small modules,
// which every deploy and rollback would otherwise pay for on the CLI, canary or not (issue #20).
let cdf: typeof cdfFunction | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a literal require, bundled by esbuild, run when first needed
const normalCdf = (z: number): number => (cdf ??= require('@stdlib/stats-base-dists-normal-cdf') as typeof cdfFunction)(z, 0, 1);

/** Which way the first sample is expected to differ under the alternative hypothesis. */
export type Alternative = 'greater' | 'less' | 'two-sided';

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, plus one half for each tie. */
  readonly u: number;
  readonly nx: number;
  readonly ny: number;
  readonly p: number;
  readonly method: 'exact' | 'normal';
  /** The standardized statistic of the normal approximation (continuity-corrected). */
  readonly z?: number;
  /** Whether any value occurs more than once in the pooled sample. */
  readonly ties: boolean;
}

/** Ranks of the pooled sample (1-based, ties get their average rank) and the sizes of the tied groups. */
export function rank(values: readonly number[]): { readonly ranks: number[]; readonly tieGroups: number[] } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length).fill(0);
  const tieGroups: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end]?.[0] === order[start]?.[0]) end++;
    const average = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]?.[1] ?? 0] = average;
    if (end - start > 1) tieGroups.push(end - start);
    start = end;
  }
  return { ranks, tieGroups };
}

/** Samples at or above this size (either of them), or with ties, get the normal approximation, as in R. */
const EXACT_BELOW = 50;

/** `auto`: exact when both samples are under 50 and untied, as R decides; `normal` forces the approximation. */
export function mannWhitneyU(x: readonly number[], y: readonly number[], alternative: Alternative, method: 'auto' | 'normal' = 'auto'): MannWhitneyResult {
  const nx = x.length;
  const ny = y.length;
  if (nx === 0 || ny === 0) throw new RangeError('the Mann-Whitney U test needs at least one value in each sample');
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new RangeError('the Mann-Whitney U test takes finite numbers only');
  const { ranks, tieGroups } = rank([...x, ...y]);
  const rankSum = ranks.slice(0, nx).reduce((a, b) => a + b, 0);
  const u = rankSum - (nx * (nx + 1)) / 2;
  const ties = tieGroups.length > 0;
  if (method === 'auto' && !ties && nx < EXACT_BELOW && ny < EXACT_BELOW) return { u, nx, ny, p: exactP(u, nx, ny, alternative), method: 'exact', ties };
  const n = nx + ny;
  const tieTerm = tieGroups.reduce((s, t) => s + t ** 3 - t, 0) / (n * (n - 1));
  const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - tieTerm));
  const centered = u - (nx * ny) / 2;
  if (sigma === 0) return { u, nx, ny, p: 1, method: 'normal', z: 0, ties };
  const correction = alternative === 'two-sided' ? Math.sign(centered) * 0.5 : alternative === 'greater' ? 0.5 : -0.5;
  const z = (centered - correction) / sigma;
  const p = alternative === 'greater' ? 1 - normalCdf(z) : alternative === 'less' ? normalCdf(z) : 2 * Math.min(normalCdf(z), 1 - normalCdf(z));
  return { u, nx, ny, p: Math.min(1, p), method: 'normal', z, ties };
}

/**
 * The exact distribution of U for sizes m and n without ties: how many of the C(m+n, m) orderings
 * give each U (the largest value is either an x, above all n y's, or a y), summed into the tail.
 */
function exactP(u: number, m: number, n: number, alternative: Alternative): number {
  const counts = uDistribution(m, n);
  const total = counts.reduce((a, b) => a + b, 0);
  const atMost = (k: number) => counts.slice(0, Math.floor(k) + 1).reduce((a, b) => a + b, 0) / total;
  const upper = 1 - atMost(u - 1); // P(U >= u)
  const lower = atMost(u); // P(U <= u)
  if (alternative === 'greater') return upper;
  if (alternative === 'less') return lower;
  return Math.min(1, 2 * Math.min(upper, lower));
}

/** counts[k] = the number of orderings of m x's and n y's whose U is k. */
function uDistribution(m: number, n: number): number[] {
  // table[j][k] for the current i (x's) and j y's; built up one x at a time.
  let previous: number[][] = Array.from({ length: n + 1 }, () => [1]); // i = 0: U is 0, one ordering
  for (let i = 1; i <= m; i++) {
    const current: number[][] = [];
    for (let j = 0; j <= n; j++) {
      const size = i * j + 1;
      const row = new Array<number>(size).fill(0);
      // The largest is an x: it beats all j y's (from i-1 x's and j y's, U shifted by j).
      const withX = previous[j] ?? [];
      for (let k = 0; k < withX.length; k++) row[k + j] = (row[k + j] ?? 0) + (withX[k] ?? 0);
      // The largest is a y: it adds nothing (from i x's and j-1 y's).
      if (j > 0) {
        const withY = current[j - 1] ?? [];
        for (let k = 0; k < withY.length; k++) row[k] = (row[k] ?? 0) + (withY[k] ?? 0);
      }
      current.push(row);
    }
    previous = current;
  }
  return previous[n] ?? [1];
}

// Shared settings of the property-based tests (fast-check): modest runs so the unit tier stays in seconds.
// HOTFIX_PROPERTY_RUNS=20 multiplies every count for a longer search; HOTFIX_PROPERTY_SEED=<n> replays a
// failure with the seed fast-check printed (add HOTFIX_PROPERTY_PATH=<path> to go straight to its shrunk case).
import type { Parameters } from 'fast-check';

export function propertyRuns<T>(numRuns: number): Parameters<T> {
  const factor = Number(process.env.HOTFIX_PROPERTY_RUNS ?? '1');
  const seed = process.env.HOTFIX_PROPERTY_SEED;
  const path = process.env.HOTFIX_PROPERTY_PATH;
  return {
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1))),
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(path !== undefined ? { path } : {}),
  };
}

// Runs a long operation once uninterrupted, then once per kill point: killed (as by SIGKILL) after
// its Nth mutating port call, for every N, and recovered by a fresh process the way a person would
// (finish --continue, deploy --continue, rollback again, ...). Each recovered world is compared
// with the uninterrupted one.

import assert from 'node:assert/strict';
import { isKilled, KillSwitch } from '../fakes/kill-switch';

export interface Machine<W> {
  /** A fresh world in its starting state (every run gets its own). */
  world(): W | Promise<W>;
  /** The operation as the person runs it; every port call goes through `kill`. */
  run(world: W, kill: KillSwitch): Promise<void>;
  /** Told when a run was killed, before the recovery: e.g. to note what the dead process left. */
  killed?(world: W): void;
  /** What the person does after a kill, in fresh processes (ports without a switch). */
  recover(world: W, killed: KillPoint): Promise<void>;
  /** The end state compared: plain data, with no ids or times that legitimately differ. */
  snapshot(world: W): unknown;
}

export interface KillPoint {
  /** Mutating calls that ran before the kill. */
  readonly n: number;
  /** Those calls, in order; the kill came before the next one. */
  readonly ran: readonly string[];
  /** The call the kill stopped. */
  readonly stopped: string;
}

export interface Mismatch {
  readonly at: KillPoint;
  readonly problem: string;
  /** The end state after the recovery, when the recovery got that far. */
  readonly actual?: unknown;
}

export interface Report {
  /** Mutating calls of the uninterrupted run: the kill points are 0 … total - 1. */
  readonly total: number;
  readonly calls: readonly string[];
  readonly expected: unknown;
  readonly mismatches: readonly Mismatch[];
}

export async function uninterrupted<W>(machine: Machine<W>): Promise<{ world: W; kill: KillSwitch }> {
  const world = await machine.world();
  const kill = new KillSwitch();
  await machine.run(world, kill);
  return { world, kill };
}

export async function everyKillPoint<W>(machine: Machine<W>): Promise<Report> {
  const clean = await uninterrupted(machine);
  const expected = machine.snapshot(clean.world);
  const mismatches: Mismatch[] = [];
  for (let n = 0; n < clean.kill.mutations; n++) {
    const world = await machine.world();
    const kill = new KillSwitch(n);
    try {
      await machine.run(world, kill);
    } catch (error) {
      if (!kill.dead && !isKilled(error)) throw error;
    }
    const at: KillPoint = { n, ran: kill.log, stopped: clean.kill.log[n] ?? '?' };
    if (!kill.dead) {
      mismatches.push({ at, problem: `not killed: the run made ${kill.mutations} mutating calls where the uninterrupted one made ${clean.kill.mutations}` });
      continue;
    }
    machine.killed?.(world);
    let actual: unknown;
    try {
      await machine.recover(world, at);
      actual = machine.snapshot(world);
      assert.deepStrictEqual(actual, expected);
    } catch (error) {
      mismatches.push({ at, problem: error instanceof Error ? error.message : String(error), ...(actual !== undefined ? { actual } : {}) });
    }
  }
  return { total: clean.kill.mutations, calls: clean.kill.log, expected, mismatches };
}

/** One line per mismatch, for an assertion message. */
export function describeMismatches(report: Report): string {
  return report.mismatches.map((m) => `kill after ${m.at.n} (${m.at.ran.at(-1) ?? 'nothing'}; stopped ${m.at.stopped}): ${m.problem}`).join('\n\n');
}

/** Every kill point recovered to the uninterrupted end state. */
export function assertAllRecovered(report: Report): void {
  assert.ok(report.total > 0, 'the operation made no mutating call');
  assert.equal(report.mismatches.length, 0, `${report.mismatches.length} of ${report.total} kill points did not recover:\n${describeMismatches(report)}`);
}

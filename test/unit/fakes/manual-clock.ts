// The Clock port under the test's control: sleep() moves time forward at once instead of waiting,
// so pauses and lease expiry take no real time and no assertion depends on timing.

import type { Clock } from '../../../src/core/ports';
import { guarded, type KillSwitch } from './kill-switch';

export const START = Date.parse('2025-03-04T10:00:00.000Z');

export class ManualClock implements Clock {
  private ms: number;
  /** Every sleep asked for, in ms. */
  readonly sleeps: number[] = [];

  constructor(start = START) {
    this.ms = start;
  }

  now(): Date {
    return new Date(this.ms);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new Error('cancelled'));
    this.sleeps.push(ms);
    this.ms += Math.max(0, ms);
    return Promise.resolve();
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  /** Time never changes the world, but a killed process cannot look at it or sleep either. */
  port(kill: KillSwitch): Clock {
    return guarded<Clock>(this, 'clock', kill, () => false, ['now']);
  }
}

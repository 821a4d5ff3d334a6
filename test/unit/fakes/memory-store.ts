// The StateStore port in memory: JSON documents written whole or not at all (a deep copy in and out,
// as the file store's write-and-rename gives), shared by every process of one fake world.

import type { StateStore } from '../../../src/core/ports';
import { guarded, named, type KillSwitch } from './kill-switch';

export class MemoryStore implements StateStore {
  private readonly docs = new Map<string, string>();

  read<T>(key: string): Promise<T | undefined> {
    const text = this.docs.get(key);
    return Promise.resolve(text === undefined ? undefined : (JSON.parse(text) as T));
  }

  write(key: string, value: unknown): Promise<void> {
    this.docs.set(key, JSON.stringify(value));
    return Promise.resolve();
  }

  remove(key: string): Promise<void> {
    this.docs.delete(key);
    return Promise.resolve();
  }

  list(prefix: string): Promise<string[]> {
    return Promise.resolve([...this.docs.keys()].filter((k) => k.startsWith(prefix)).sort());
  }

  /** Synchronous peek for assertions. */
  peek<T>(key: string): T | undefined {
    const text = this.docs.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  keys(): string[] {
    return [...this.docs.keys()].sort();
  }

  /** This store as a process with `kill` sees it. */
  port(kill: KillSwitch): StateStore {
    return guarded<StateStore>(this, 'store', kill, named('write', 'remove'));
  }
}

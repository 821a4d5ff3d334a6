import assert from 'node:assert/strict';
import { Reloading } from '../../src/extension/reloading';

/** A load the test finishes by hand: which load it was, and whether it failed. */
function loads() {
  const pending: { readonly n: number; finish(fail?: boolean): void }[] = [];
  let count = 0;
  const load = () =>
    new Promise<number>((resolve, reject) => {
      const n = ++count;
      pending.push({ n, finish: (fail) => (fail ? reject(new Error(`load ${n} failed`)) : resolve(n)) });
    });
  return { load, pending, count: () => count };
}

const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('views: told of a change only once it is loaded (Reloading)', () => {
  it('never asked for: a change tells at once and loads nothing', () => {
    const l = loads();
    let told = 0;
    const r = new Reloading(l.load, () => told++);
    r.changed();
    assert.equal(told, 1);
    assert.equal(l.count(), 0);
  });

  it('asked for: a change loads first, tells once the load is done, and the value is then there at once', async () => {
    const l = loads();
    let told = 0;
    const r = new Reloading(l.load, () => told++);
    const first = r.get();
    l.pending[0]?.finish();
    assert.equal(await first, 1);
    r.changed();
    assert.equal(l.count(), 2, 'loaded again at the change');
    await settled();
    assert.equal(told, 0, 'not told while the load runs');
    l.pending[1]?.finish();
    await settled();
    assert.equal(told, 1);
    let answered: number | undefined;
    void r.get().then((v) => (answered = v));
    await Promise.resolve();
    assert.equal(answered, 2, 'answered within a microtask: no window for a view');
    assert.equal(l.count(), 2, 'no load of its own');
  });

  it('a burst of changes: only the newest load tells, and a load that fails still tells', async () => {
    const l = loads();
    let told = 0;
    const r = new Reloading(l.load, () => told++);
    void r.get();
    l.pending[0]?.finish();
    r.changed();
    r.changed();
    r.changed();
    l.pending[1]?.finish();
    l.pending[2]?.finish();
    await settled();
    assert.equal(told, 0, 'older loads tell nobody');
    l.pending[3]?.finish(true);
    await settled();
    assert.equal(told, 1);
    await assert.rejects(r.get(), /load 4 failed/);
  });
});

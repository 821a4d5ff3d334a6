// A virtualized list of fixed-height rows: only the rows in view (plus overscan) exist in the DOM,
// recycled as the list scrolls, so 10,000 timeline entries cost what 30 do. Rows are listitems
// with aria-setsize/aria-posinset; arrow keys, Page Up/Down, Home and End move between them.

import { h } from './dom';

export type RowRenderer<T> = (row: HTMLElement, item: T, index: number) => void;

export class VirtualList<T> {
  /** The scrolling viewport; `list` inside it is as tall as all rows together. */
  readonly scroller = h('div', { class: 'vlist' });
  readonly list = h('div', { class: 'vlist-inner', attrs: { role: 'list' } });
  /** Row elements created since the list was made (recycled rows are not counted twice). */
  created = 0;

  private items: readonly T[] = [];
  private readonly rows = new Map<number, HTMLElement>();
  private readonly pool: HTMLElement[] = [];
  private active = 0;
  private frame = 0;
  /** At the end when last seen: a resize keeps it there (the reader follows new rows). */
  private stick = false;
  /** The scrollTop this list set itself; its scroll event says nothing about where the reader is. */
  private placed = -1;

  constructor(
    private readonly rowHeight: number,
    private readonly render: RowRenderer<T>,
    label: string,
    private readonly overscan = 8,
  ) {
    this.list.setAttribute('aria-label', label);
    this.scroller.append(this.list);
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop !== this.placed) this.stick = this.atBottom();
      this.schedule();
    }, { passive: true });
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.list.addEventListener('focusin', (e) => {
      const index = Number((e.target as HTMLElement).dataset['index']);
      if (Number.isInteger(index)) this.setActive(index, false);
    });
    new ResizeObserver(() => {
      if (this.stick) this.toEnd();
      this.refresh();
    }).observe(this.scroller);
  }

  get length(): number {
    return this.items.length;
  }

  /** Rows now in the DOM. */
  get rendered(): number {
    return this.rows.size;
  }

  /** Within a row of the end: new rows should follow. */
  atBottom(): boolean {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= this.rowHeight;
  }

  /**
   * Shows `items`. With `follow`, scrolls to the end; otherwise the scroll position stays. `dirty`
   * says which indexes from there on changed (the default: all), so an append repaints no rows above.
   */
  setItems(items: readonly T[], { follow = false, dirtyFrom = 0 } = {}): void {
    this.items = items;
    this.list.style.height = `${items.length * this.rowHeight}px`;
    for (const [index, row] of this.rows) {
      if (index >= dirtyFrom) this.release(index, row);
    }
    if (this.active >= items.length) this.active = Math.max(0, items.length - 1);
    if (follow) this.toEnd();
    this.refresh();
  }

  private toEnd(): void {
    this.stick = true;
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.placed = this.scroller.scrollTop;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.refresh();
    });
  }

  /** Creates, recycles and positions the rows for the current scroll position. */
  refresh(): void {
    const { scrollTop, clientHeight } = this.scroller;
    const n = this.items.length;
    const first = Math.max(0, Math.floor(scrollTop / this.rowHeight) - this.overscan);
    const last = Math.min(n - 1, Math.ceil((scrollTop + clientHeight) / this.rowHeight) + this.overscan);
    for (const [index, row] of this.rows) {
      if (index < first || index > last) this.release(index, row);
    }
    const focusInside = this.list.contains(document.activeElement);
    if (!focusInside && n > 0 && !this.rows.has(this.active) && (this.active < first || this.active > last)) {
      // Keep one row tabbable: the first one in view when the remembered one scrolled away.
      this.active = Math.min(n - 1, Math.max(first, Math.floor(scrollTop / this.rowHeight)));
    }
    for (let i = first; i <= last; i++) {
      const item = this.items[i];
      if (item === undefined || this.rows.has(i)) continue;
      const row = this.pool.pop() ?? this.create();
      row.dataset['index'] = String(i);
      row.style.transform = `translateY(${i * this.rowHeight}px)`;
      row.setAttribute('aria-posinset', String(i + 1));
      this.render(row, item, i);
      this.rows.set(i, row);
      if (!row.isConnected) this.list.append(row);
    }
    for (const [index, row] of this.rows) {
      row.setAttribute('aria-setsize', String(n));
      row.tabIndex = index === this.active ? 0 : -1;
    }
  }

  private create(): HTMLElement {
    this.created++;
    const row = h('div', { class: 'vrow', attrs: { role: 'listitem' } });
    row.style.height = `${this.rowHeight}px`;
    return row;
  }

  private release(index: number, row: HTMLElement): void {
    this.rows.delete(index);
    row.remove();
    this.pool.push(row);
  }

  private setActive(index: number, focus: boolean): void {
    this.active = Math.max(0, Math.min(this.items.length - 1, index));
    if (!focus) {
      for (const [i, row] of this.rows) row.tabIndex = i === this.active ? 0 : -1;
      return;
    }
    const top = this.active * this.rowHeight;
    const s = this.scroller;
    if (top < s.scrollTop) s.scrollTop = top;
    else if (top + this.rowHeight > s.scrollTop + s.clientHeight) s.scrollTop = top + this.rowHeight - s.clientHeight;
    this.refresh();
    this.rows.get(this.active)?.focus({ preventScroll: true });
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / this.rowHeight) - 1);
    const moves: Readonly<Record<string, number>> = {
      ArrowDown: this.active + 1, ArrowUp: this.active - 1, PageDown: this.active + page,
      PageUp: this.active - page, Home: 0, End: this.items.length - 1,
    };
    const target = moves[e.key];
    if (target === undefined || this.items.length === 0) return;
    e.preventDefault();
    this.setActive(target, true);
  }
}

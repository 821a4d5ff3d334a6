// DOM helpers for the panel: elements are built with createElement and strings land as text
// (textContent, safe attributes), never parsed as HTML, so host data cannot become markup.

type Child = Node | string | undefined | false;

export interface Props {
  readonly class?: string;
  readonly text?: string;
  /** Attributes set with setAttribute; only plain, non-URL, non-event attributes are used here. */
  readonly attrs?: Readonly<Record<string, string>>;
}

/** An HTML element with classes, text, attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, props, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element, as h() does for HTML. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, props, children);
  return el;
}

function apply(el: Element, props: Props, children: readonly Child[]): void {
  if (props.class) el.setAttribute('class', props.class);
  if (props.attrs) {
    for (const [name, value] of Object.entries(props.attrs)) {
      if (/^on|^style$|^href$|^src$|^srcdoc$/i.test(name)) throw new Error(`unsafe attribute ${name}`);
      el.setAttribute(name, value);
    }
  }
  if (props.text !== undefined) el.textContent = props.text;
  for (const child of children) {
    if (child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== undefined && c !== false));
}

/** A polite live region: announcements for screen readers (new events, step changes). */
export class Announcer {
  readonly el = h('div', { class: 'sr-only', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true', role: 'status' } });
  private timer: number | undefined;

  say(text: string): void {
    // Clear first so the same sentence twice is announced twice.
    this.el.textContent = '';
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => { this.el.textContent = text; }, 50);
  }
}

/** A fresh request id that isId() accepts (hex from the platform's CSPRNG). */
export function requestId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `req-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

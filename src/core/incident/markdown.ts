// Markdown escaping for text that came from a person: it renders as the characters they typed,
// never as emphasis, a link, a heading, a table cell or HTML.

// Characters that are markup anywhere in a line (CommonMark and GitHub's extensions).
const INLINE = /[\\`*_[\]|~]/g;
// Markers that open a block at the start of a line: heading, list, setext underline, ordered list.
const LINE_START = /^(\s*)(#|[-+=]|\d{1,9}(?=[.)]))/;

function escapeLine(line: string): string {
  const escaped = line
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(INLINE, '\\$&');
  // `1. step` -> `1\. step`; `# x` -> `\# x`; `- x` -> `\- x`.
  return escaped.replace(LINE_START, (_all, space: string, marker: string) => (/^\d/.test(marker) ? `${space}${marker}\\` : `${space}\\${marker}`));
}

/** For one line of Markdown (a list item, a heading): line breaks and runs of spaces become one space. */
export function escapeMarkdown(text: string): string {
  return escapeLine(text.replace(/\s+/g, ' ').trim());
}

/**
 * For text that keeps its lines (a root cause, a note): each line escaped on its own, lines joined
 * with hard breaks, continuation lines indented by `indent` so they stay inside a list item.
 */
export function escapeMarkdownBlock(text: string, indent = ''): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((line) => escapeLine(line.replace(/[ \t]+/g, ' ').trim()));
  const out: string[] = [];
  for (const line of lines) {
    const last = out.length - 1;
    if (line === '') {
      if (last >= 0 && out[last] !== '') out.push(''); // a paragraph break, never two
    } else if (last < 0) {
      out.push(line);
    } else {
      if (out[last] !== '') out[last] += '  '; // a hard line break
      out.push(`${indent}${line}`);
    }
  }
  while (out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

/** A link the person gave as a link (war room, status page): an autolink when it is a clean http(s) URL, else text. */
export function markdownLink(url: string): string {
  return /^https?:\/\/[^\s<>"`\\]+$/.test(url) ? `<${url}>` : escapeMarkdown(url);
}

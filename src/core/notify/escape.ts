// Per-channel escaping of text that came from a person (titles, notes, names) or from a team's
// template: it shows as the characters typed and never becomes markup, a mention or a link.
// Links the person gave as links (war room, status page) go through safeUrl and are rendered as
// links by each channel on purpose.

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Control characters and bidi overrides out; line breaks kept. */
export function clean(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNPRINTABLE, '\uFFFD');
}

/** One line: runs of white space (line breaks too) become one space. */
export function oneLine(text: string): string {
  return clean(text).replace(/\s+/g, ' ').trim();
}

/**
 * `http://evil` -> `http:\u200B//evil`: chat clients turn bare URLs into links; a zero-width space
 * after the scheme keeps the text readable and unclickable.
 */
function breakUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*):\/\//gi, '$1:\u200B//');
}

// Slack mrkdwn has no backslash escape: formatting characters become look-alikes that it ignores.
const SLACK_LOOKALIKE: Readonly<Record<string, string>> = { '*': '\u2217', _: '\u02CD', '~': '\u223C', '`': '\u02CB' };

/**
 * For Slack mrkdwn (and the text of its plain_text objects): `&`, `<`, `>` as entities, as Slack
 * documents, so `<!channel>` and `<http://x|y>` stay text; `*_~\`` as look-alikes; URLs unlinked.
 */
export function slackText(text: string): string {
  return breakUrls(clean(text))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (c) => SLACK_LOOKALIKE[c] ?? c);
}

// Adaptive Card TextBlocks render a Markdown subset (emphasis, lists, [links](...)); Teams also
// reads some HTML. Both are neutralised with look-alikes (Teams ignores backslash escapes).
const TEAMS_LOOKALIKE: Readonly<Record<string, string>> = {
  '*': '\u2217', _: '\u02CD', '~': '\u223C', '`': '\u02CB', '[': '\uFF3B', ']': '\uFF3D', '<': '\u2039', '>': '\u203A', '\\': '\u29F5', '#': '\uFF03', '|': '\u2223',
};

/** For an Adaptive Card TextBlock in Teams. A leading `1. ` or `- ` does not start a list. */
export function teamsText(text: string): string {
  return breakUrls(clean(text))
    .replace(/[*_~`[\]<>\\#|]/g, (c) => TEAMS_LOOKALIKE[c] ?? c)
    .replace(/^(\s*)(\d+)([.)])(?=\s)/gm, '$1$2\u200B$3')
    .replace(/^(\s*)([-+])(?=\s)/gm, '$1\u200B$2');
}

/** A link the person gave as a link: a clean http(s) URL, else undefined (it is then shown as text). */
export function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\/[^\s<>"'`\\|]+$/i.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** At most `max` characters, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}\u2026`;
}

// Property-based tests of the small parsers and guards that take text from people, git, the cluster and the
// webview: image references, issue keys and hotfix branch names, the panel protocol, alert template text.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hotfixBranchName, parseHotfixBranch, parseIssueKey, slugify, SLUG_MAX } from '../../src/core/hotfix/naming';
import { formatImageReference, imageName, parseImageReference, splitImageReference } from '../../src/core/image-ref';
import { templateText } from '../../src/core/pipeline/alerts';
import { isHostToWebview, isPanelState, isWebviewToHost } from '../../src/shared/protocol';
import { propertyRuns } from './properties';

/** Strings made mostly of the characters that matter to each parser, plus anything at all. */
const textOf = (chars: string, maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ unit: fc.constantFrom(...chars), maxLength }), fc.string({ unit: 'grapheme', maxLength }));

describe('properties: image references', () => {
  const REF_TEXT = textOf('ab09:/@._-+=sS ', 60);
  const HEX = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
  const WELL_FORMED = fc
    .tuple(fc.constantFrom('', 'localhost:5000/', 'ghcr.io/team/'), fc.constantFrom('web', 'a', 'pay-api'), fc.option(fc.constantFrom('1.2.3', 'latest', 'v1_rc.2')), fc.option(HEX))
    .map(([registry, name, tag, digest]) => `${registry}${name}${tag !== null ? `:${tag}` : ''}${digest !== null ? `@sha256:${digest}` : ''}`);

  it('splits and parses any text without throwing, and what it accepts has no spaces or empty parts', () => {
    fc.assert(
      fc.property(REF_TEXT, (text) => {
        const split = splitImageReference(text);
        assert.equal(typeof split.repository, 'string');
        const ref = parseImageReference(text);
        if (ref === undefined) return;
        assert.doesNotMatch(formatImageReference(ref), /\s/);
        assert.ok(ref.repository.length > 0 && imageName(ref.repository).length > 0);
        assert.ok(ref.tag === undefined || ref.tag.length > 0);
        // What was accepted parses again to the same parts.
        assert.deepEqual(parseImageReference(formatImageReference(ref)), ref);
      }),
      propertyRuns(1000),
    );
  });

  it('accepts every well-formed reference and writes it back as it was', () => {
    fc.assert(
      fc.property(WELL_FORMED, (text) => {
        const ref = parseImageReference(text);
        assert.ok(ref, text);
        assert.equal(formatImageReference(ref), text);
      }),
      propertyRuns(300),
    );
  });
});

describe('properties: issue keys and hotfix branch names', () => {
  const KEY_TEXT = textOf('AZaz09_-# ./;', 20);
  const TITLE = fc.string({ unit: 'grapheme', maxLength: 80 });

  it('parses any text without throwing; an accepted key names a branch that reads back to the same key', () => {
    fc.assert(
      fc.property(KEY_TEXT, TITLE, (input, title) => {
        const key = parseIssueKey(input);
        if (!key.ok) {
          assert.match(key.hint ?? '', /PROD-2847/);
          return;
        }
        assert.match(key.value, /^(?:[A-Za-z][A-Za-z0-9_]*-[0-9]+|[0-9]+)$/);
        const branch = hotfixBranchName(key.value, title);
        assert.match(branch, /^hotfix\/[A-Za-z0-9_-]+$/, 'a branch name git and a URL take as it is');
        assert.equal(parseHotfixBranch(branch)?.issueKey, key.value);
      }),
      propertyRuns(1000),
    );
  });

  it('makes slugs of lower-case letters, digits and single inner dashes, at most SLUG_MAX long', () => {
    fc.assert(
      fc.property(TITLE, (title) => {
        const slug = slugify(title);
        assert.ok(slug.length <= SLUG_MAX);
        assert.match(slug, /^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$/);
      }),
      propertyRuns(500),
    );
  });

  it('reads any branch name without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(KEY_TEXT.map((t) => `hotfix/${t}`), fc.string()), (branch) => {
        const parsed = parseHotfixBranch(branch);
        if (parsed) assert.ok(branch.startsWith(`hotfix/${parsed.issueKey}`));
      }),
      propertyRuns(500),
    );
  });
});

describe('properties: the webview protocol guards', () => {
  const ID = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
  const STATE = fc.record(
    { root: fc.string({ maxLength: 100 }), incident: ID, target: ID, tab: fc.constantFrom('timeline', 'canary'), hidden: fc.array(fc.string({ maxLength: 64 }), { maxLength: 5 }) },
    { requiredKeys: [] },
  );
  const WELL_FORMED = fc.oneof(
    fc.record({ kind: fc.constant('ready'), state: STATE }, { requiredKeys: ['kind'] }),
    fc.record({ kind: fc.constant('canary-action'), id: ID, action: fc.constantFrom('promote', 'pause', 'resume', 'abort'), target: ID }),
    fc.record({ kind: fc.constant('add-note'), id: ID, incident: ID, text: fc.string({ minLength: 1, maxLength: 200 }).filter((t) => t.trim().length > 0) }),
    fc.record({ kind: fc.constant('update-status'), id: ID, incident: ID, status: fc.string({ maxLength: 32 }) }),
    fc.record({ kind: fc.constant('open-link'), url: fc.webUrl() }),
    fc.record({ kind: fc.constant('state'), state: STATE }),
    fc.record({ kind: fc.constant('rendered'), entries: fc.nat(), rows: fc.nat(), ms: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
  );
  /** The fields each kind must carry, for a check written apart from the guard. */
  const REQUIRED: Readonly<Record<string, readonly string[]>> = {
    ready: [], 'canary-action': ['id', 'action', 'target'], 'add-note': ['id', 'incident', 'text'], 'update-status': ['id', 'incident', 'status'],
    'open-link': ['url'], state: ['state'], rendered: ['entries', 'rows', 'ms'],
  };
  const ANY = fc.oneof(fc.jsonValue(), fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withTypedArray: true }));

  it('never throws on any value, and accepts only objects of a known kind with their fields', () => {
    fc.assert(
      fc.property(ANY, (value) => {
        isHostToWebview(value);
        isPanelState(value);
        if (!isWebviewToHost(value)) return;
        const message = value as unknown as Record<string, unknown>;
        const required = REQUIRED[String(message.kind)];
        assert.ok(required, `accepted an unknown kind: ${String(message.kind)}`);
        for (const field of required) assert.notEqual(message[field], undefined, `accepted ${String(message.kind)} without ${field}`);
      }),
      propertyRuns(1000),
    );
  });

  it('accepts every well-formed message, also after a JSON round trip (postMessage clones)', () => {
    fc.assert(
      fc.property(WELL_FORMED, (message) => {
        assert.ok(isWebviewToHost(message), JSON.stringify(message));
        assert.ok(isWebviewToHost(JSON.parse(JSON.stringify(message))), JSON.stringify(message));
      }),
      propertyRuns(500),
    );
  });

  it('refuses a well-formed message with one required field removed or given the wrong type', () => {
    /** Values of the wrong type for each kind of field (undefined: the field left out). */
    const WRONG: Readonly<Record<'text' | 'number' | 'state', readonly unknown[]>> = {
      text: [undefined, 42, null, {}, [], true],
      number: [undefined, '1', null, Number.NaN, Number.POSITIVE_INFINITY, []],
      state: [undefined, 42, null, [], 'timeline', { tab: 'nope' }],
    };
    const kindOf = (field: string): keyof typeof WRONG => (field === 'state' ? 'state' : ['entries', 'rows', 'ms'].includes(field) ? 'number' : 'text');
    fc.assert(
      fc.property(WELL_FORMED, fc.nat(), fc.nat(), (message, pickField, pickValue) => {
        const fields = REQUIRED[message.kind] ?? [];
        if (fields.length === 0) return;
        const field = fields[pickField % fields.length] as string;
        const values = WRONG[kindOf(field)];
        const wrong = values[pickValue % values.length];
        assert.equal(isWebviewToHost({ ...message, [field]: wrong }), false, `${field} = ${String(JSON.stringify(wrong))}`);
      }),
      propertyRuns(500),
    );
  });
});

describe('properties: config text in alert templates', () => {
  /**
   * A Go template evaluator for what alerts.ts writes: text outside actions prints as it is, `{{ "…" }}`
   * prints its string, `{{ $value }}` prints VALUE; any other action means config text became code.
   */
  function render(template: string): string {
    let out = '';
    let rest = template;
    for (let open = rest.indexOf('{{'); open >= 0; open = rest.indexOf('{{')) {
      const close = rest.indexOf('}}', open + 2);
      assert.ok(close >= 0, `an unclosed action in ${JSON.stringify(template)}`);
      const action = rest.slice(open + 2, close);
      const constant = /^ "([^"\\]*)" $/.exec(action);
      assert.ok(constant || action === ' $value ', `config text became the action {{${action}}} in ${JSON.stringify(template)}`);
      out += rest.slice(0, open) + (constant ? constant[1] : 'VALUE');
      rest = rest.slice(close + 2);
    }
    return out + rest;
  }
  const TEXT = textOf('{}{}{ "-$.x', 30);

  it('keeps any text literal, alone, joined to other text, or right before a template of its own', () => {
    fc.assert(
      fc.property(TEXT, TEXT, (a, b) => {
        assert.equal(render(templateText(a)), a);
        assert.equal(render(templateText(a) + templateText(b)), a + b);
        assert.equal(render(`${templateText(a)}{{ $value }}${templateText(b)}`), `${a}VALUE${b}`);
      }),
      propertyRuns(1000),
    );
  });

  it('leaves text without braces as it is', () => {
    fc.assert(fc.property(fc.string().filter((t) => !t.includes('{')), (text) => assert.equal(templateText(text), text)), propertyRuns(200));
  });
});

// What a person types about an incident: ids, ETAs, action items, impact, links and plain text.
import assert from 'node:assert/strict';
import { cleanLine, cleanText, INCIDENT_ID, newIncidentId, parseActionItems, parseEta, parseImpact, parseLink, parseList, parseRelativeDuration } from '../../src/core/incident/parse';
import { DEFAULT_SEVERITY_DESCRIPTIONS, severityDescriptions } from '../../src/core/incident/model';

const NOW = new Date('2026-11-27T14:02:00.000Z');

describe('incident input', () => {
  it('makes ids like INC-20261127-3F2A from the UTC day and two random bytes', () => {
    const id = newIncidentId(NOW, Uint8Array.from([0x3f, 0x2a, 0xff]));
    assert.equal(id, 'INC-20261127-3F2A');
    assert.match(id, INCIDENT_ID);
    assert.equal(newIncidentId(new Date('2026-11-27T23:59:59.999-05:00'), Uint8Array.from([0, 1])), 'INC-20261128-0001');
    assert.throws(() => newIncidentId(NOW, Uint8Array.from([1])), /two random bytes/);
    // Sortable by day, whatever the random part.
    assert.ok(newIncidentId(new Date('2026-11-26T00:00:00Z'), Uint8Array.from([255, 255])) < newIncidentId(NOW, Uint8Array.from([0, 0])));
  });

  it('reads ETAs as durations, zoned timestamps and UTC times of day, and keeps any other words', () => {
    const until = (text: string) => {
      const eta = parseEta(text, NOW);
      assert.ok(eta.ok, text);
      return eta.value.until;
    };
    assert.equal(until('15 minutes'), '2026-11-27T14:17:00.000Z');
    assert.equal(until('in 15 min'), '2026-11-27T14:17:00.000Z');
    assert.equal(until('1h30m'), '2026-11-27T15:32:00.000Z');
    assert.equal(until('1 hour and 30 minutes'), '2026-11-27T15:32:00.000Z');
    assert.equal(until('1.5 hours'), '2026-11-27T15:32:00.000Z');
    assert.equal(until('an hour'), '2026-11-27T15:02:00.000Z');
    assert.equal(until('half an hour'), '2026-11-27T14:32:00.000Z');
    assert.equal(until('~2d'), '2026-11-29T14:02:00.000Z');
    assert.equal(until('45s'), '2026-11-27T14:02:45.000Z');
    assert.equal(until('2026-11-27T16:00:00+01:00'), '2026-11-27T15:00:00.000Z');
    assert.equal(until('16:30 UTC'), '2026-11-27T16:30:00.000Z');
    assert.equal(until('by 09:00Z'), '2026-11-28T09:00:00.000Z', 'a time already past today means tomorrow');
    assert.deepEqual(parseEta('  after the cache warms ', NOW), { ok: true, value: { text: 'after the cache warms' } });
    assert.equal(until('16:30'), undefined, 'no zone: kept as words rather than guessing one');
    assert.equal(until('15 fixes'), undefined);
    assert.equal(until('a fix'), undefined);
    const empty = parseEta('  ', NOW);
    assert.equal(empty.ok, false);
    assert.match(empty.ok ? '' : (empty.hint ?? ''), /15 minutes/);
    assert.equal(parseRelativeDuration('15'), undefined);
    assert.equal(parseRelativeDuration('10 minutes 5'), undefined);
  });

  it('splits action items on ";" with an optional trailing @owner', () => {
    assert.deepEqual(parseActionItems('a; b'), { ok: true, value: [{ text: 'a' }, { text: 'b' }] });
    assert.deepEqual(parseActionItems('add validation @ada; alert on 5xx @bo.smith ;; '), {
      ok: true,
      value: [{ text: 'add validation', owner: 'ada' }, { text: 'alert on 5xx', owner: 'bo.smith' }],
    });
    assert.deepEqual(parseActionItems('mail ops@example.com about it'), { ok: true, value: [{ text: 'mail ops@example.com about it' }] });
    assert.deepEqual(parseActionItems('ask @ada about it'), { ok: true, value: [{ text: 'ask @ada about it' }] }, 'only a trailing @name is the owner');
    assert.deepEqual(parseActionItems('one\ntwo @x'), { ok: true, value: [{ text: 'one' }, { text: 'two', owner: 'x' }] });
    assert.deepEqual(parseActionItems(''), { ok: true, value: [] });
    const ownerOnly = parseActionItems('fix it; @ada');
    assert.equal(ownerOnly.ok, false);
    assert.match(ownerOnly.ok ? '' : ownerOnly.reason, /"@ada" names an owner but no work/);
  });

  it('takes an impact level, optionally with what users see, and refuses other words', () => {
    assert.deepEqual(parseImpact('HIGH'), { ok: true, value: { level: 'high' } });
    assert.deepEqual(parseImpact('critical: checkout fails for EU cards'), { ok: true, value: { level: 'critical', summary: 'checkout fails for EU cards' } });
    for (const bad of ['huge', 'sev1', '', 'checkout is down', 'high\u001b[31m']) {
      const result = parseImpact(bad);
      assert.equal(result.ok, false, bad);
      assert.match(result.ok ? '' : (result.hint ?? ''), /none, low, medium, high, critical/);
    }
  });

  it('accepts http(s) links only, without credentials', () => {
    assert.deepEqual(parseLink('war room', 'https://meet.example.com/inc 42'), { ok: true, value: 'https://meet.example.com/inc%2042' });
    assert.deepEqual(parseLink('status page', 'http://status.example.com'), { ok: true, value: 'http://status.example.com/' });
    for (const [bad, why] of [['javascript:alert(1)', /http or https/], ['meet.example.com/x', /not a URL/], ['file:///etc/passwd', /http or https/], ['https://bob:secret@meet.example.com/', /user name or password/]] as const) {
      const result = parseLink('war room', bad);
      assert.equal(result.ok, false, bad);
      assert.match(result.ok ? '' : result.reason, why);
    }
  });

  it('keeps titles to one line of plain text and notes to plain text', () => {
    assert.deepEqual(cleanLine('title', '  Payment Gateway Down  ', 200), { ok: true, value: 'Payment Gateway Down' });
    assert.match((cleanLine('title', '   ') as { reason: string }).reason, /title is empty/);
    assert.match((cleanLine('title', 'a\nb') as { reason: string }).reason, /line breaks or control characters/);
    assert.match((cleanLine('title', 'evil\u001b]8;;http://x\u0007') as { reason: string }).reason, /control characters/);
    assert.match((cleanLine('title', 'x'.repeat(201), 200) as { reason: string }).reason, /201 characters long; at most 200/);
    assert.deepEqual(cleanText('note', 'line one\r\nline two\n'), { ok: true, value: 'line one\nline two' });
    assert.equal(cleanText('note', 'bidi \u202e override').ok, false);
    assert.deepEqual(parseList('components', ' api, checkout ,api,, '), { ok: true, value: ['api', 'checkout'] });
    assert.equal(parseList('components', ' , ').ok, false);
  });

  it('describes each severity, and a team may reword any of them', () => {
    assert.match(DEFAULT_SEVERITY_DESCRIPTIONS.SEV0, /^Critical/);
    const custom = severityDescriptions({ SEV3: '  Cosmetic.  ', SEV2: ' ' });
    assert.equal(custom.SEV3, 'Cosmetic.');
    assert.equal(custom.SEV2, DEFAULT_SEVERITY_DESCRIPTIONS.SEV2);
  });
});

// The one redaction: which parts of a webhook URL or key are searched for (and which ordinary words
// are not), longest first, through records and events, and the redacting audit log and store.
import assert from 'node:assert/strict';
import { looksSecret, redactDeep, redactor, secretParts } from '../../src/core/secrets/redact';
import { redactingAuditLog, redactingIncidentStore } from '../../src/core/secrets/redacting-ports';
import type { AuditRecord } from '../../src/core/ports';
import type { IncidentStore } from '../../src/core/incident/ports';
import type { IncidentEvent } from '../../src/core/incident/events';

const SLACK = 'https://hooks.slack.com/services/T07Q8R9S0/B07A1B2C3D4/xOxOsEcReTtOkEn1234abcd';

describe('secrets: the parts of a secret', () => {
  it('tells generated tokens from route words', () => {
    for (const word of ['T07Q8R9S0', 'B07A1B2C3D4', 'xOxOsEcReTtOkEn1234abcd', 'SLACKSECRET', 'a1b2c3d4', 'IncomingWebhook', 'abcdefghijklmnopqrstuvwxyz']) assert.ok(looksSecret(word), word);
    for (const word of ['services', 'Services', 'hooks', 'workflows', 'triggers', 'T0', 'v2', 'enqueue', 'incidents']) assert.ok(!looksSecret(word), word);
  });

  it('a Slack webhook: the whole URL, the path, each path suffix and each token, not the route words', () => {
    const parts = secretParts(SLACK);
    for (const part of [
      SLACK,
      '/services/T07Q8R9S0/B07A1B2C3D4/xOxOsEcReTtOkEn1234abcd',
      '/T07Q8R9S0/B07A1B2C3D4/xOxOsEcReTtOkEn1234abcd',
      '/B07A1B2C3D4/xOxOsEcReTtOkEn1234abcd',
      '/xOxOsEcReTtOkEn1234abcd',
      'T07Q8R9S0',
      'B07A1B2C3D4',
      'xOxOsEcReTtOkEn1234abcd',
      encodeURIComponent(SLACK),
      '%2Fservices%2FT07Q8R9S0%2FB07A1B2C3D4%2FxOxOsEcReTtOkEn1234abcd',
    ]) {
      assert.ok(parts.includes(part), part);
    }
    for (const word of ['services', '/services', 'hooks.slack.com', 'https://hooks.slack.com']) assert.ok(!parts.includes(word), word);
    assert.deepEqual(parts, [...parts].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)), 'longest first');
  });

  it('short segments go only in context: /services/T0/B0/SECRET', () => {
    const parts = secretParts('https://hooks.example/services/T0/B0/SECRETTOKEN');
    assert.ok(parts.includes('/T0/B0/SECRETTOKEN') && parts.includes('/B0/SECRETTOKEN') && parts.includes('SECRETTOKEN'));
    assert.ok(!parts.includes('T0') && !parts.includes('B0'));
  });

  it('a URL with a query signature and credentials: each query value, the user and the password', () => {
    const url = 'https://hookuser:hookpassw0rd@prod.example/workflows/run?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Sig0123456789abcdefXYZ';
    const parts = secretParts(url);
    for (const part of ['Sig0123456789abcdefXYZ', '2016-06-01', '%2Ftriggers%2Fmanual%2Frun', '/triggers/manual/run', 'hookuser', 'hookpassw0rd', 'hookuser:hookpassw0rd@', '/workflows/run?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Sig0123456789abcdefXYZ']) {
      assert.ok(parts.includes(part), part);
    }
    assert.ok(!parts.includes('1.0') && !parts.includes('/workflows/run') && !parts.includes('workflows'), 'short values and route words stay');
  });

  it('a key is one token, whole and URL-encoded; too short a secret is not searched for', () => {
    assert.deepEqual(secretParts('  PDk3y+R0ut/1ng  '), ['PDk3y%2BR0ut%2F1ng', 'PDk3y+R0ut/1ng']);
    assert.deepEqual(secretParts('abc'), []);
    assert.deepEqual(secretParts(''), []);
  });
});

describe('secrets: redaction', () => {
  const redact = redactor([SLACK, 'PDk3yR0ut1ngABCDEF0123456789abcd']);

  it('replaces what a receiver echoes, longest first, and leaves ordinary text alone', () => {
    assert.equal(redact(`Cannot POST /services/T07Q8R9S0/B07A1B2C3D4/xOxOsEcReTtOkEn1234abcd`), 'Cannot POST [redacted]');
    assert.equal(redact('no_team B07A1B2C3D4 and token xOxOsEcReTtOkEn1234abcd'), 'no_team [redacted] and token [redacted]');
    assert.equal(redact(`failed: ${SLACK}`), 'failed: [redacted]');
    assert.equal(redact('routing_key PDk3yR0ut1ngABCDEF0123456789abcd is unknown'), 'routing_key [redacted] is unknown');
    assert.equal(redact('services and hooks are words; T0 and B0 too'), 'services and hooks are words; T0 and B0 too');
    assert.equal(redactor([])('anything'), 'anything');
  });

  it('goes through records and events, keeping their shape', () => {
    const record = { at: 'now', details: { detail: 'HTTP 404: Cannot POST /B07A1B2C3D4/xOxOsEcReTtOkEn1234abcd', ok: false, attempts: 1 }, list: ['T07Q8R9S0'] };
    assert.deepEqual(redactDeep(record, redact), { at: 'now', details: { detail: 'HTTP 404: Cannot POST [redacted]', ok: false, attempts: 1 }, list: ['[redacted]'] });
  });

  it('the audit log and the incident store write redacted, and read as they are', async () => {
    const appended: AuditRecord[] = [];
    await redactingAuditLog({ append: (r) => Promise.resolve(void appended.push(r)) }, redact).append({ at: 't', actor: 'a', action: 'incident.notify', subject: 'INC-1', details: { detail: `Cannot POST ${SLACK}` } });
    assert.equal(appended[0]?.details?.detail, 'Cannot POST [redacted]');

    const written: (readonly IncidentEvent[])[] = [];
    const inner: IncidentStore = {
      location: 'memory',
      read: () => Promise.resolve(undefined),
      list: () => Promise.resolve(['INC-1']),
      create: (_id, events) => Promise.resolve(void written.push(events)).then(() => ({ ok: true, version: '1' }) as const),
      append: (_id, _v, events) => Promise.resolve(void written.push(events)).then(() => ({ ok: true, version: '2' }) as const),
    };
    const store = redactingIncidentStore(inner, redact);
    const note: IncidentEvent = { id: 'e1', at: 't', actor: 'a', type: 'note', text: `the hook ${SLACK} is down` };
    await store.create('INC-1', [note]);
    await store.append('INC-1', '1', [{ ...note, id: 'e2' }]);
    assert.deepEqual(written.map((events) => events.map((e) => [e.id, e.type === 'note' ? e.text : ''])), [[['e1', 'the hook [redacted] is down']], [['e2', 'the hook [redacted] is down']]]);
    assert.equal(store.location, 'memory');
    assert.deepEqual(await store.list(), ['INC-1']);
  });
});

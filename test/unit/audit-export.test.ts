// Audit exports: CSV quoting and formula neutralization, Markdown escaping, --since parsing and filtering.
import assert from 'node:assert/strict';
import { chainLine, csvCell, exportRecords, GENESIS, mdCell, parseExportFormat, parseSince, readEntries, type AuditEntry } from '../../src/core/audit';

const hostile: AuditEntry = {
  seq: 2,
  at: '2026-03-01T11:00:00.000Z',
  actor: 'Ada "the on-call" Oncall <ada@example.com>',
  osUser: 'ada',
  action: 'deploy.failed',
  subject: 'prod, eu | west',
  before: 'aaa',
  after: 'bbb',
  details: { reason: 'line one\nline two', note: '<script>alert(1)</script> [x](https://evil.example) *bold*' },
  hash: 'f'.repeat(64),
};
const plain: AuditEntry = { seq: 1, at: '2026-03-01T10:00:00.000Z', actor: 'Ada', action: 'hotfix.create', subject: 'hotfix/PROD-1' };
const late: AuditEntry = { seq: 3, at: '2026-03-02T09:00:00.000Z', actor: 'Bob', action: 'rollback.done', subject: '=HYPERLINK("http://x")' };

describe('audit export', () => {
  it('writes CSV with a header, CRLF rows and RFC 4180 quoting of commas, quotes and newlines', () => {
    const csv = exportRecords([plain, hostile], 'csv');
    const rows = csv.split('\r\n');
    assert.equal(rows[0], 'seq,at,actor,osUser,action,subject,before,after,details,hash');
    assert.equal(rows[1], '1,2026-03-01T10:00:00.000Z,Ada,,hotfix.create,hotfix/PROD-1,,,,');
    assert.ok(csv.includes('"Ada ""the on-call"" Oncall <ada@example.com>"'), csv);
    assert.ok(csv.includes('"prod, eu | west"'));
    assert.ok(csv.includes('"{""reason"":""line one\\nline two""'), 'details as JSON, quoted');
    assert.equal(csv.endsWith('\r\n'), true);
    assert.equal(csvCell('a\nb'), '"a\nb"');
    assert.equal(csvCell('plain'), 'plain');
  });

  it('neutralizes CSV cells a spreadsheet would run as formulas', () => {
    assert.equal(csvCell('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
    assert.equal(csvCell('+1'), "'+1");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.ok(exportRecords([late], 'csv').includes(`"'=HYPERLINK(""http://x"")"`));
  });

  it('writes a Markdown table whose cells cannot break the table or become markup', () => {
    const md = exportRecords([plain, hostile], 'md');
    const lines = md.trimEnd().split('\n');
    assert.equal(lines.length, 4, 'header, rule, two rows: newlines in values stay inside their row');
    assert.match(lines[0] as string, /^\| Seq \| Time \| Actor \|/);
    const row = lines[3] as string;
    assert.equal(row.split(/(?<!\\)\|/).length - 2, 8, 'eight cells: every | in a value is escaped');
    assert.ok(row.includes('prod, eu \\| west'));
    assert.ok(row.includes('line one<br>line two'));
    assert.ok(row.includes('\\<script\\>alert\\(1\\)\\</script\\>'));
    assert.ok(row.includes('\\[x\\]\\(https://evil.example\\) \\*bold\\*'));
    assert.ok(row.includes('aaa → bbb'));
    assert.equal(mdCell('a|b\r\nc\\'), 'a\\|b<br>c\\\\');
  });

  it('writes JSON with the records as stored, chain fields included', () => {
    const parsed = JSON.parse(exportRecords([plain, hostile], 'json')) as AuditEntry[];
    assert.deepEqual(parsed, [plain, hostile]);
  });

  it('filters by --since, as an ISO time or a duration back from now', () => {
    const now = new Date('2026-03-02T10:00:00.000Z');
    const day = parseSince('24h', now);
    assert.deepEqual(day, { ok: true, value: new Date('2026-03-01T10:00:00.000Z') });
    assert.deepEqual(parseSince('90m', now), { ok: true, value: new Date('2026-03-02T08:30:00.000Z') });
    assert.deepEqual(parseSince('7d', now), { ok: true, value: new Date('2026-02-23T10:00:00.000Z') });
    assert.deepEqual(parseSince('2026-03-01T10:30:00Z', now), { ok: true, value: new Date('2026-03-01T10:30:00.000Z') });
    assert.deepEqual(parseSince('2026-03-02', now), { ok: true, value: new Date('2026-03-02T00:00:00.000Z') });
    for (const bad of ['yesterday', '24', '-1h', '2026-13-45', '2026-03-01; rm -rf /']) {
      const result = parseSince(bad, now);
      assert.equal(result.ok, false, bad);
      assert.match(result.ok ? '' : (result.hint ?? ''), /24h, 7d/);
    }
    const records = [plain, hostile, late];
    const since = day.ok ? day.value : undefined;
    assert.deepEqual((JSON.parse(exportRecords(records, 'json', since)) as AuditEntry[]).map((r) => r.seq), [1, 2, 3], 'inclusive');
    const later = parseSince('2026-03-01T10:30:00Z', now);
    assert.deepEqual((JSON.parse(exportRecords(records, 'json', later.ok ? later.value : undefined)) as AuditEntry[]).map((r) => r.seq), [2, 3]);
    assert.equal(exportRecords(records, 'csv', new Date('2027-01-01')).split('\r\n').length, 2, 'only the header');
  });

  it('accepts json, csv and md as formats', () => {
    assert.deepEqual(parseExportFormat('CSV'), { ok: true, value: 'csv' });
    const xml = parseExportFormat('xml');
    assert.equal(xml.ok, false);
    assert.match(xml.ok ? '' : (xml.hint ?? ''), /json, csv, md/);
  });

  it('reads chained and legacy records from a log, skipping what verify reports (fragments, garbage)', () => {
    const first = chainLine({ at: '2026-03-01T10:00:00.000Z', actor: 'Ada', action: 'x', subject: 's' }, GENESIS);
    const text = `${JSON.stringify(plain)}\n${first.line}\n{"seq":2,"at":\ngarbage\n`;
    assert.deepEqual(readEntries(text).map((r) => r.seq), [1, 1]);
  });
});

import assert from 'node:assert/strict';
import { hotfixBranchName, parseHotfixBranch, parseIssueKey, slugify, SLUG_MAX } from '../../src/core/hotfix/naming';

describe('hotfix naming', () => {
  it('names the branch from the issue key as written and a slug of the title', () => {
    assert.equal(hotfixBranchName('PROD-2847', 'Payment null pointer'), 'hotfix/PROD-2847-payment-null-pointer');
    assert.equal(hotfixBranchName('ops_team-12', 'Fix "quoted" / slashed\\ title'), 'hotfix/ops_team-12-fix-quoted-slashed-title');
  });

  it('keeps slugs to lower-case ascii letters, digits and dashes', () => {
    assert.equal(slugify('Crème brûlée: ÜBER-latency!'), 'creme-brulee-uber-latency');
    assert.equal(slugify('x; rm -rf .'), 'x-rm-rf');
    assert.equal(slugify('$(touch pwned) `id`'), 'touch-pwned-id');
    assert.equal(slugify('支付失败'), '');
    assert.equal(hotfixBranchName('PROD-1', '支付失败'), 'hotfix/PROD-1');
  });

  it('cuts long titles at a word boundary within the limit', () => {
    const slug = slugify('checkout service returns 500 when the basket contains a gift card and a coupon');
    assert.ok(slug.length <= SLUG_MAX, slug);
    assert.equal(slug, 'checkout-service-returns-500-when-the');
    const oneWord = slugify('a'.repeat(60));
    assert.equal(oneWord.length, SLUG_MAX);
  });

  it('accepts tracker keys and plain ids, refuses anything else with a hint', () => {
    assert.deepEqual(parseIssueKey('PROD-2847'), { ok: true, value: 'PROD-2847' });
    assert.deepEqual(parseIssueKey(' #2847 '), { ok: true, value: '2847' });
    for (const bad of ['x; rm -rf .', 'PROD-', '-12', 'PROD 12', '../12', 'PROD-12; ls', '']) {
      const result = parseIssueKey(bad);
      assert.equal(result.ok, false, bad);
      assert.match(result.ok ? '' : (result.hint ?? ''), /PROD-2847/);
    }
  });

  it('reads the issue key back from a hotfix branch and ignores other branches', () => {
    assert.deepEqual(parseHotfixBranch('hotfix/PROD-2847-payment-null-pointer'), { issueKey: 'PROD-2847', slug: 'payment-null-pointer' });
    assert.deepEqual(parseHotfixBranch('hotfix/2847'), { issueKey: '2847', slug: '' });
    assert.equal(parseHotfixBranch('feature/PROD-1-x'), undefined);
    assert.equal(parseHotfixBranch('hotfix/not a key'), undefined);
  });
});

import { describe, expect, it } from 'vitest';
import { pageTitle } from './fetch-page';

describe('knowledge page titles', () => {
  it('CONV-2 a page title is read from the head of the page', () => {
    expect(pageTitle('<html><head><TITLE lang="en"> Prices &amp; hours </TITLE></head><body>x</body></html>')).toBe('Prices &amp; hours');
    expect(pageTitle('<p>no title here</p>')).toBe('');
    expect(pageTitle('<title>unterminated')).toBe('');
  });

  it('CONV-2 a hostile page of "<title" repeated 2 MB long gives no title instead of freezing the server (the regular expression took minutes)', () => {
    const hostile = '<title'.repeat(350_000);
    expect(pageTitle(hostile)).toBe('');
    expect(pageTitle(`${'<title'.repeat(10_000)}>Real</title>`)).toBe('Real');
  });
});

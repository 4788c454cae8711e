import { describe, expect, it } from 'vitest';
import { viewPageJson } from './page-json';
import { viewPageSchema, type ViewPage } from './views.contract';

describe('the JSON of a page of a view (CRM-6, issue 14)', () => {
  it('CRM-6 issue 14: a page is written with the schema\'s fields only, as zod\'s encode would write it, undeclared fields left out', () => {
    const page = {
      columns: [
        { key: 'name', label: 'Name', kind: 'text', sortable: true, secret: 'column' },
        { key: 'amount', label: 'Amount', kind: 'number', sortable: true, money: true },
      ],
      rows: [
        {
          id: '01a23ae7-9cba-7136-b74a-e1b659dfa296',
          internal: 'row',
          cells: {
            name: 'Ada',
            amount: 12.5,
            vip: true,
            empty: null,
            channels: ['email', 'sms'],
            company: { id: 'c1', label: 'Acme', domain: 'hidden.example' },
            tags: [{ id: 't1', name: 'hot', color: null, workspaceId: 'hidden' }],
          },
        },
      ],
      nextCursor: 'abc',
      total: { count: 1, exact: true, estimate: 7 },
      debug: 'page',
    } as unknown as ViewPage;
    const written = JSON.parse(viewPageJson(page));
    expect(written).toEqual(JSON.parse(JSON.stringify(viewPageSchema.encode(page))));
    expect(JSON.stringify(written)).not.toMatch(/secret|internal|hidden|estimate|debug/);
    expect(JSON.parse(viewPageJson({ ...page, total: null, nextCursor: null, rows: [] }))).toEqual({ columns: written.columns, rows: [], nextCursor: null, total: null });
  });
});

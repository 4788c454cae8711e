import { describe, expect, it } from 'vitest';
import { htmlToText, sanitiseRichText } from '../../activities/sanitise-html';
import { compileTemplate, renderTemplate, type MergeValues } from './merge-fields';

const hostile: MergeValues = {
  'contact.firstName': '<script>alert(1)</script><img src=x onerror=alert(2)>',
  'contact.lastName': '"><a href="javascript:alert(3)">x</a> & co',
  'company.name': "O'Brien & <b>Sons</b>",
};

describe('a campaign template compiled once per run', () => {
  const template = {
    subject: 'Hi {{contact.firstName | "there"}}',
    html: '<p onclick="x()">Hello {{contact.firstName | "there"}} {{contact.lastName}},</p><script>bad()</script><ul><li>{{company.name}}</li></ul><p><a href="https://shop.example/menu">Menu</a></p>',
  };

  it('MAIL-2 renders each recipient as the one-off render does, and its text part is the rendered HTML\'s text', () => {
    const compiled = compileTemplate(template);
    for (const values of [hostile, { 'contact.firstName': 'Ada', 'contact.lastName': 'Ames', 'company.name': 'Acme' }, { 'contact.lastName': 'Ames', 'company.name': 'Acme' }] as MergeValues[]) {
      const once = renderTemplate(template, values);
      const r = compiled.render(values);
      expect(r).toEqual(once);
      expect(compiled.text(values)).toBe(htmlToText(r.html));
    }
    const missing = compiled.render({ 'contact.firstName': 'Ada' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.missing).toEqual(['contact.lastName', 'company.name']);
  });

  it('CRM-4 the timeline body sanitised once for the template is as safe as sanitising each mail: a merge value cannot open a tag or a link', () => {
    const compiled = compileTemplate(template);
    const rendered = compiled.render(hostile);
    if (!rendered.ok) throw new Error(rendered.message);
    const body = compiled.timelineBody(hostile, () => rendered.html);
    expect(typeof body).not.toBe('string');
    if (typeof body === 'string') return;
    const perMail = sanitiseRichText(rendered.html)!;
    // The same tags, attributes and text as the per-mail sanitiser keeps (entities may be written differently).
    const tagsOf = (html: string) => [...html.matchAll(/<[^>]*>/g)].map((m) => m[0]);
    expect(tagsOf(body.html!)).toEqual(tagsOf(perMail));
    expect(body.text).toBe(htmlToText(perMail));
    expect(tagsOf(body.html!).join('')).not.toMatch(/script|img|onerror|onclick|javascript:/i);
    expect(body.text).toContain('<script>alert(1)</script>');
  });

  it('CRM-4 a merge field inside a link\'s address is not filled into sanitised HTML: that mail\'s body is sanitised on its own', () => {
    const inLink = { subject: 's', html: '<p><a href="{{contact.email}}">Your page</a> {{contact.firstName}}</p>' };
    const values: MergeValues = { 'contact.email': 'javascript:alert(1)', 'contact.firstName': 'Ada' };
    const compiled = compileTemplate(inLink);
    const rendered = compiled.render(values);
    if (!rendered.ok) throw new Error(rendered.message);
    const body = compiled.timelineBody(values, () => rendered.html);
    expect(body).toBe(rendered.html);
    expect(sanitiseRichText(body as string)).not.toMatch(/javascript:/);
  });
});

/**
 * CRM-8: CSV cells. A cell a spreadsheet would run as a formula — text starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return — gets a leading `'` (OWASP's advice), so
 * `=HYPERLINK("http://evil")` arrives as the text `'=HYPERLINK("http://evil")`. Numbers stored
 * as numbers are left alone: `-5` is a number, not a formula. Exported cells follow the same
 * rules in SQL (`kestrel_csv_text`, export_cells migration); these serve headers and reports.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** RFC 4180 quoting: quotes, separators, line breaks and ASCII spaces at either edge force a quoted cell. */
export function quote(text: string): string {
  return /[",\r\n]|^[ \t\f\v]|[ \t\f\v]$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: string[]) => `${cells.join(',')}\r\n`;

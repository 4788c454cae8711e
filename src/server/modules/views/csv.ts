import type { Cell } from './read-rows';

/**
 * CRM-8: CSV cells. A cell a spreadsheet would run as a formula — text starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return — gets a leading `'` (OWASP's advice), so
 * `=HYPERLINK("http://evil")` arrives as the text `'=HYPERLINK("http://evil")`. Numbers stored
 * as numbers are left alone: `-5` is a number, not a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** RFC 4180 quoting: quotes, separators and line breaks force a quoted cell. */
export function quote(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A cell as spreadsheet text: tags and lists joined with "; ", references by their label. */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  // A plain decimal (an amount read as text) is not a formula, whatever its sign.
  if (typeof cell === 'string') return /^-?\d+(\.\d+)?$/.test(cell) ? cell : quote(neutralise(cell));
  if (Array.isArray(cell)) return quote(neutralise(cell.map((c) => (typeof c === 'string' ? c : c.name)).join('; ')));
  return quote(neutralise(cell.label));
}

export const csvLine = (cells: string[]) => `${cells.join(',')}\r\n`;

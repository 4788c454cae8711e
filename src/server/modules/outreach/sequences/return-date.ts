import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';

/** An out-of-office longer than this is not believed (a year in a signature, a quoted date); the fallback applies. */
const MAX_AWAY_DAYS = 180;
/** Only the start of an automatic reply is read: the rest is signature and quoted mail. */
const READ_CHARS = 3000;

/** "until Friday", "bis zum 3.1.", "jusqu'au 5 janvier": away through that day, so back the day after. */
const THROUGH = /(?:\buntil|\btill|\btil|\bthrough|\bthru|\bto|\bbis(?:\s+(?:zum|zur|einschließlich|einschl\.|incl\.?))?|\bjusqu['’]\s?au|\bhasta\s+el|\bt\/m|\btot\s+en\s+met)\s*$/i;
/** Words saying the date that follows (or the "until") is about the return, not something else in the mail. */
const CUE = /\b(?:back|return(?:s|ing)?|until|till|til|away|out of (?:the )?office|off|leave|holiday|vacation|bis|zurück|wieder|ab|abwesend|urlaub|retour|jusqu|absent|terug|tot|vuelvo|regreso|hasta)\b/i;

/** German day-first dates without a year ("3.1.", "24.12."), which chrono's German parser leaves alone. */
const german = chrono.de.casual.clone();
german.parsers.push({
  pattern: () => /(?<![\d.])([0-3]?\d)\.\s?([01]?\d)\.(?!\d)/,
  extract: (_context, match) => {
    const day = Number(match[1]);
    const month = Number(match[2]);
    if (day < 1 || day > 31 || month < 1 || month > 12) return null;
    return { day, month };
  },
});
const parsers: { parse(text: string, ref: Date, option: chrono.ParsingOption): chrono.ParsedResult[] }[] = [chrono.en.GB, german, chrono.fr, chrono.nl, chrono.es];

interface Candidate {
  day: DateTime;
  cued: boolean;
}

/**
 * MAIL-2: the day an out-of-office reply says its writer is back, in their time zone: "I'm back
 * on 14 December", "returning Monday 7th", "bis zum 3.1.", "until 2027-01-05" (away through that
 * day, so the day after). Read with chrono (English, German, French, Dutch, Spanish), relative to
 * the writer's own today, dates in the past or more than half a year on ignored; where several
 * dates are named, those near a word like "back" or "until" win, the latest of them. The start of
 * that day in `timeZone`, or null when no date can be read.
 */
export function readReturnDate(text: string, timeZone: string, now: Date = new Date()): Date | null {
  const zone = DateTime.now().setZone(timeZone).isValid ? timeZone : 'UTC';
  const localNow = DateTime.fromJSDate(now).setZone(zone);
  const today = localNow.startOf('day');
  // chrono reads relative dates ("Monday") against the machine's clock: give it the writer's wall time.
  const ref = localNow.setZone('system', { keepLocalTime: true }).toJSDate();
  const body = text.slice(0, READ_CHARS);
  const found: Candidate[] = [];
  for (const parser of parsers) {
    for (const r of parser.parse(body, ref, { forwardDate: true })) {
      const c = r.end ?? r.start;
      const date = DateTime.fromObject({ year: c.get('year') ?? today.year, month: c.get('month') ?? 1, day: c.get('day') ?? 1 }, { zone });
      if (!date.isValid) continue;
      // The words just before the date, within its own sentence.
      const before = body.slice(Math.max(0, r.index - 40), r.index).split(/[.!?;\n]\s/).at(-1) ?? '';
      const through = Boolean(r.end) || THROUGH.test(before);
      const day = through ? date.plus({ days: 1 }) : date;
      if (day <= today || day > today.plus({ days: MAX_AWAY_DAYS })) continue;
      found.push({ day, cued: CUE.test(before) || CUE.test(r.text) });
    }
  }
  const pool = found.some((f) => f.cued) ? found.filter((f) => f.cued) : found;
  if (!pool.length) return null;
  return DateTime.max(...pool.map((f) => f.day))!.toJSDate();
}

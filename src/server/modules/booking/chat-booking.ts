import { createHash } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { bookingEventHosts, bookingEventTypes, bookingSchedules } from './booking.schema';
import { freeSlots } from './availability';
import { bookSlot, findPublicEventType, type BookedSlot } from './book-slot';
import { notifyBooking } from './booking-mail';
import { calendarBusy } from './calendar-sync';
import { isValidTimeZone } from './compute-slots';
import { hostsOf } from './event-types';

const DAY = 86_400_000;

/** BOOK-3: bookings one email address may make with one workspace in a day. */
export const BOOKINGS_PER_ADDRESS_PER_DAY = 5;

/**
 * Each booking mails the address it names, in the business's name: however many addresses a
 * caller has, one address gets at most a few a day from one workspace, whether booked from the
 * page or from the chat. Hashed: the counters' table is no place for someone's email.
 */
export async function limitBookingsPerAddress(services: Services, workspaceId: string, email: string): Promise<void> {
  const address = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
  await services.rateLimit.hit({ key: `booking-email:${workspaceId}:${address}`, max: BOOKINGS_PER_ADDRESS_PER_DAY, windowSeconds: 86_400 });
}

export interface PublicEventType {
  slug: string;
  title: string;
  durationMinutes: number;
  /** The zone of its first host's hours: times are shown in it until the visitor names theirs. */
  timeZone: string;
}

/** BOOK-5: the event types anyone may book (active, with at least one host), oldest first. */
export async function publicEventTypes(tx: Tx, workspaceId: string): Promise<PublicEventType[]> {
  const rows = await tx
    .select()
    .from(bookingEventTypes)
    .where(and(eq(bookingEventTypes.workspaceId, workspaceId), eq(bookingEventTypes.active, true)))
    .orderBy(asc(bookingEventTypes.createdAt))
    .limit(20);
  if (!rows.length) return [];
  const hosts = await hostsOf(tx, { workspaceId }, rows.map((r) => r.id));
  const scheduleIds = [...new Set(hosts.map((h) => h.scheduleId))];
  const zones = scheduleIds.length
    ? new Map((await tx.select({ id: bookingSchedules.id, timeZone: bookingSchedules.timeZone }).from(bookingSchedules).where(and(eq(bookingSchedules.workspaceId, workspaceId), inArray(bookingSchedules.id, scheduleIds)))).map((s) => [s.id, s.timeZone]))
    : new Map<string, string>();
  return rows.flatMap((r) => {
    const first = hosts.find((h) => h.eventTypeId === r.id);
    return first ? [{ slug: r.slug, title: r.title, durationMinutes: r.durationMinutes, timeZone: zones.get(first.scheduleId) ?? 'UTC' }] : [];
  });
}

/** The booking page of a workspace's first public event type, for a visitor without the assistant (AI-8). */
export async function firstBookingPath(tx: Tx, workspaceId: string): Promise<string | null> {
  const [first] = await tx
    .select({ slug: bookingEventTypes.slug })
    .from(bookingEventTypes)
    .innerJoin(bookingEventHosts, and(eq(bookingEventHosts.workspaceId, bookingEventTypes.workspaceId), eq(bookingEventHosts.eventTypeId, bookingEventTypes.id)))
    .where(and(eq(bookingEventTypes.workspaceId, workspaceId), eq(bookingEventTypes.active, true)))
    .orderBy(asc(bookingEventTypes.createdAt))
    .limit(1);
  return first ? `/book/${workspaceId}/${first.slug}` : null;
}

const slug = z.string().trim().min(1).max(80).describe('The slug of one of the event types listed in the instructions');
const zone = z.string().trim().max(64).optional().describe("The visitor's IANA time zone (e.g. Europe/Berlin) when they said where they are; else the host's");

export const listFreeSlotsSpec = {
  name: 'list_free_slots',
  description: 'List the next free times of an event type that the visitor can book. Only offer times this tool returned.',
  input: z.strictObject({
    eventType: slug,
    fromDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A date as YYYY-MM-DD.').optional().describe('The first day to look at (YYYY-MM-DD), if the visitor asked for a day'),
    timeZone: zone,
  }),
};

export const bookSlotSpec = {
  name: 'book_slot',
  description:
    "Book a free time for the visitor. Call it only after the visitor chose a time from list_free_slots and gave their name and email address in the chat. Use the exact start value list_free_slots returned.",
  input: z.strictObject({
    eventType: slug,
    start: z.iso.datetime({ offset: true }).describe('The start value of the chosen slot, exactly as listed'),
    name: z.string().trim().min(1).max(200).describe("The visitor's name as they wrote it"),
    email: z.string().trim().max(254).optional().describe('The email address the visitor wrote in the chat'),
    timeZone: zone,
  }),
};

export const chatBookingToolSpecs = [listFreeSlotsSpec, bookSlotSpec] as const;

export interface ChatBookingEnv {
  services: Services;
  workspaceId: string;
  eventTypes: PublicEventType[];
  /** Email addresses the visitor typed in the conversation or left in the chat's form, latest last. */
  visitorEmails: string[];
}

export type ChatToolResult = { output: string; booked?: undefined } | { output: string; booked: BookedSlot; timeZone: string };

const describeSlot = (start: Date, zone: string) => DateTime.fromJSDate(start, { zone }).toFormat("cccc d LLLL yyyy 'at' HH:mm");

/**
 * CONV-5, BOOK-5: the website assistant's booking tools. Times come from the booking module's
 * own slot computation (Google busy times included); a booking goes through `bookSlot` with the
 * same holds, database guard against double booking, contact, timeline entry and confirmation
 * mail as the public page. Only an email address the visitor wrote is ever booked (a model
 * cannot make one up and mail a stranger), and the per-address limit of the page applies.
 */
export async function runChatBookingTool(env: ChatBookingEnv, name: string, rawInput: unknown): Promise<ChatToolResult> {
  const spec = name === listFreeSlotsSpec.name ? listFreeSlotsSpec : name === bookSlotSpec.name ? bookSlotSpec : null;
  if (!spec) return { output: `There is no tool called ${name}.` };
  const parsed = spec.input.safeParse(rawInput);
  if (!parsed.success) return { output: `The input is not valid: ${z.prettifyError(parsed.error)}` };
  const input = parsed.data as z.infer<typeof bookSlotSpec.input> & z.infer<typeof listFreeSlotsSpec.input>;
  const type = env.eventTypes.find((e) => e.slug === input.eventType);
  if (!type) return { output: `There is no event type "${input.eventType}". Bookable: ${env.eventTypes.map((e) => e.slug).join(', ') || 'none'}.` };
  if (input.timeZone && !isValidTimeZone(input.timeZone)) return { output: `"${input.timeZone}" is not a time zone; use an IANA name like Europe/Berlin, or leave it out.` };
  const timeZone = input.timeZone || type.timeZone;
  try {
    return name === listFreeSlotsSpec.name ? await listFree(env, type, input.fromDate, timeZone) : await book(env, type, input, timeZone);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { output: `${error.message}${Array.isArray(error.details.nextSlots) ? ` Next free: ${(error.details.nextSlots as { start: string }[]).map((s) => `${describeSlot(new Date(s.start), timeZone)} (start=${s.start})`).join('; ')}.` : ''}` };
  }
}

async function listFree(env: ChatBookingEnv, type: PublicEventType, fromDate: string | undefined, timeZone: string): Promise<ChatToolResult> {
  const now = new Date();
  const day = fromDate ? DateTime.fromISO(fromDate, { zone: timeZone }) : null;
  const from = new Date(Math.max(now.getTime(), day?.isValid ? day.toMillis() : 0));
  const to = new Date(from.getTime() + 14 * DAY);
  const busy = await calendarBusy(env.services, env.workspaceId, { slug: type.slug }, from, to, { fresh: false });
  const slots = await withTenant(env.services.database.db, { workspaceId: env.workspaceId, userId: null }, async (tx) => {
    return freeSlots(tx, await findPublicEventType(tx, env.workspaceId, type.slug), from, to, now, busy);
  });
  if (!slots.length) return { output: `No free times of "${type.title}" in the two weeks from ${describeSlot(from, timeZone).split(' at ')[0]}.` };
  // A few per day over the first days, so the visitor gets a choice of days, not one morning.
  const perDay = new Map<string, Date[]>();
  for (const s of slots) {
    const d = DateTime.fromJSDate(s.start, { zone: timeZone }).toISODate()!;
    const list = perDay.get(d) ?? [];
    if (list.length < 3) list.push(s.start);
    perDay.set(d, list);
  }
  const offered = [...perDay.values()].slice(0, 4).flat();
  return {
    output: [`Free times of "${type.title}" (${type.durationMinutes} minutes), shown in ${timeZone}:`, ...offered.map((s) => `- ${describeSlot(s, timeZone)} (start=${s.toISOString()})`)].join('\n'),
  };
}

async function book(env: ChatBookingEnv, type: PublicEventType, input: z.infer<typeof bookSlotSpec.input>, timeZone: string): Promise<ChatToolResult> {
  const wrote = (e: string) => env.visitorEmails.some((v) => v.toLowerCase() === e.toLowerCase());
  const given = input.email && z.email().safeParse(input.email).success ? input.email : null;
  const email = given && wrote(given) ? given : env.visitorEmails.at(-1);
  if (!email) return { output: 'The visitor has not written an email address in the chat yet. Ask for it first; only an address the visitor wrote can be booked.' };
  if (given && !wrote(given)) return { output: `The visitor did not write ${given} in the chat. Ask them to type the email address the confirmation should go to.` };
  await limitBookingsPerAddress(env.services, env.workspaceId, email);
  const start = new Date(input.start);
  const busy = await calendarBusy(env.services, env.workspaceId, { slug: type.slug }, new Date(start.getTime() - DAY), new Date(start.getTime() + DAY));
  const booked = await bookSlot(
    env.services.database.db,
    { workspaceId: env.workspaceId, eventType: { slug: type.slug } },
    { start: start.toISOString(), name: input.name, email: email.toLowerCase(), timeZone },
    { calendarBusy: busy, afterBooked: (tx, b) => notifyBooking(tx, env.services, b.booking, 'booked') },
  );
  return { output: `Booked ${describeSlot(booked.booking.startsAt, timeZone)}.`, booked, timeZone };
}

/** The message the visitor sees once the chat booked a time: written by Kestrel, not the model. */
export function confirmationMessage(b: BookedSlot, timeZone: string): string {
  const hosts = b.hostNames.filter(Boolean);
  return (
    `You're booked: ${b.eventType.title} on ${describeSlot(b.booking.startsAt, timeZone)} (${timeZone})${hosts.length ? ` with ${hosts.join(' and ')}` : ''}. ` +
    `A confirmation with a calendar invitation and links to reschedule or cancel is on its way to ${b.booking.attendeeEmail}.`
  );
}

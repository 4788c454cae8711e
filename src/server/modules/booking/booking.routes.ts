import type { FastifyInstance, FastifyRequest } from 'fastify';
import { serializerCompiler as zodSerializer, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { withTenant } from '../../platform/db/tenant';
import { teamMembers } from '../../platform/http/access';
import { badRequest, errorBodySchema } from '../../platform/http/errors';
import * as c from './booking.contract';
import { bookingToken, readBookingToken } from './booking-tokens';
import { loadHosts, withCalendarBusy } from './availability';
import { bookSlot, findPublicEventType, type BookedSlot } from './book-slot';
import { computeSlots, localParts } from './compute-slots';
import { notifyBooking } from './booking-mail';
import { calendarBusy, readCalendarBusy } from './calendar-sync';
import { limitBookingsPerAddress } from './chat-booking';
import { createEventType, rulesOf, getEventType, listEventTypes, updateEventType } from './event-types';
import { cancelBooking, getBooking, listBookings, markNoShow, rescheduleBooking } from './manage-booking';
import { createSchedule, deleteSchedule, listSchedules, updateSchedule } from './schedules';
import { listBookingPages } from './list-booking-pages';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId/booking';
const pub = '/api/public/booking';

/**
 * BOOK-1…BOOK-5. The team manages hours, event types and bookings; the booking page is public,
 * rate limited per visitor, and shows free times only — never who booked the others.
 */

export async function bookingModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const { db } = services.database;
  const team = { access: teamMembers };
  const open = { access: 'public' as const };
  const tags = ['booking'];
  const limit = (request: FastifyRequest, bucket: string, max: number) => services.rateLimit.hit({ key: `booking-${bucket}:ip:${request.ip}`, max, windowSeconds: 60 });

  app.get(`${base}/schedules`, { config: team, schema: { tags, summary: 'Weekly hours of the team (BOOK-1)', params: c.workspaceParams, response: { 200: z.object({ items: z.array(c.scheduleSchema) }), ...errors } } }, async (request) => ({
    items: await listSchedules(db, request.workspace!.ctx),
  }));
  app.post(`${base}/schedules`, { config: team, schema: { tags, summary: 'Set weekly hours, date overrides and a time zone (BOOK-1)', params: c.workspaceParams, body: c.scheduleBody, response: { 201: c.scheduleSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await createSchedule(db, request.workspace!.ctx, request.body)),
  );
  app.put(`${base}/schedules/:scheduleId`, { config: team, schema: { tags, summary: 'Change hours (BOOK-1)', params: c.scheduleParams, body: c.scheduleBody, response: { 200: c.scheduleSchema, ...errors } } }, async (request) =>
    updateSchedule(db, request.workspace!.ctx, request.params.scheduleId, request.body),
  );
  app.delete(`${base}/schedules/:scheduleId`, { config: team, schema: { tags, summary: 'Delete hours no event type uses (BOOK-1)', params: c.scheduleParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await deleteSchedule(db, request.workspace!.ctx, request.params.scheduleId);
    return reply.code(204).send(null);
  });

  app.get(`${base}/event-types`, { config: team, schema: { tags, summary: 'Event types (BOOK-1)', params: c.workspaceParams, response: { 200: z.object({ items: z.array(c.eventTypeSchema) }), ...errors } } }, async (request) => ({
    items: await listEventTypes(db, request.workspace!.ctx),
  }));
  app.post(`${base}/event-types`, { config: team, schema: { tags, summary: 'A personal or team event type (BOOK-1)', params: c.workspaceParams, body: c.createEventTypeBody, response: { 201: c.eventTypeSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await createEventType(db, request.workspace!.ctx, request.body)),
  );
  app.get(`${base}/event-types/:eventTypeId`, { config: team, schema: { tags, summary: 'One event type (BOOK-1)', params: c.eventTypeParams, response: { 200: c.eventTypeSchema, ...errors } } }, async (request) =>
    getEventType(db, request.workspace!.ctx, request.params.eventTypeId),
  );
  app.patch(`${base}/event-types/:eventTypeId`, { config: team, schema: { tags, summary: 'Change an event type (BOOK-1)', params: c.eventTypeParams, body: c.updateEventTypeBody, response: { 200: c.eventTypeSchema, ...errors } } }, async (request) =>
    updateEventType(db, request.workspace!.ctx, request.params.eventTypeId, request.body),
  );

  app.get(`${base}/bookings`, { config: team, schema: { tags, summary: 'Upcoming bookings, or a contact’s (BOOK-1, BOOK-5)', params: c.workspaceParams, querystring: c.bookingsQuery, response: { 200: z.object({ items: z.array(c.bookingSchema) }), ...errors } } }, async (request) =>
    listBookings(db, request.workspace!.ctx, request.query),
  );
  app.post(`${base}/bookings/:bookingId/no-show`, { config: team, schema: { tags, summary: 'Mark that the attendee did not come (BOOK-4)', params: c.bookingParams, response: { 200: c.bookingSchema, ...errors } } }, async (request) =>
    markNoShow(services, request.workspace!.ctx, request.params.bookingId),
  );
  app.post(`${base}/bookings/:bookingId/cancel`, { config: team, schema: { tags, summary: 'Cancel a booking; the attendee is told (BOOK-4)', params: c.bookingParams, body: c.cancelBody, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await getBooking(db, request.workspace!.ctx.workspaceId, request.params.bookingId);
    await cancelBooking(services, request.workspace!.ctx.workspaceId, request.params.bookingId, request.body.reason, 'host');
    return reply.code(204).send(null);
  });

  // ---------------------------------------------------------------- public booking page

  app.get(`${pub}/:workspaceId`, { config: open, schema: { tags, summary: 'The team’s booking page, or one member’s (?host=): its bookable event types (BOOK-1)', params: c.bookingPagesParams, querystring: c.bookingPagesQuery, response: { 200: c.bookingPagesSchema, ...errors } } }, async (request) => {
    await limit(request, 'slots', 120);
    return withTenant(db, { workspaceId: request.params.workspaceId, userId: null }, (tx) => listBookingPages(tx, request.params.workspaceId, request.query.host));
  });

  app.get(`${pub}/:workspaceId/:slug`, {
    config: open,
    schema: { tags, summary: 'A booking page: the event and its free slots in the visitor’s time zone (BOOK-1)', params: c.publicEventParams, querystring: c.slotsQuery, response: { 200: c.publicEventSchema, ...errors } },
    // A month's few hundred slots are built below from typed values: checking each against the
    // response schema again cost more CPU than computing them (issue 16's CPU goal). The schema
    // still documents the answer; errors keep the standard serializer.
    serializerCompiler: (route) => (route.httpStatus === '200' ? (data: unknown) => JSON.stringify(data) : zodSerializer(route as unknown as Parameters<typeof zodSerializer>[0])),
  }, async (request) => {
    await limit(request, 'slots', 120);
    const { timeZone, days } = request.query;
    const first = request.query.from ? DateTime.fromISO(request.query.from, { zone: timeZone }) : DateTime.now().setZone(timeZone).startOf('day');
    if (!first.isValid) throw badRequest('validation_failed', 'Not a date.', { fields: { from: 'Not a date.' }, in: 'querystring' });
    const from = first.toJSDate();
    const to = first.plus({ days }).toJSDate();
    const now = new Date();
    const workspaceId = request.params.workspaceId;
    // Kestrel's own data in one transaction; calendars are read after it, not while it holds a connection.
    const { e, loaded } = await withTenant(db, { workspaceId, userId: null }, async (tx) => {
      const e = await findPublicEventType(tx, workspaceId, request.params.slug);
      return { e, loaded: await loadHosts(tx, e, from, to) };
    });
    const calendars = loaded.calendarHostIds.length ? await readCalendarBusy(services, workspaceId, loaded.calendarHostIds, from, to) : null;
    const hosts = calendars ? withCalendarBusy(loaded.hosts, calendars.busy) : loaded.hosts;
    const slots = hosts.length ? computeSlots({ rules: rulesOf(e), assignment: e.assignment, hosts, from, to, now }) : [];
    const since = calendars?.unavailable?.since;
    return {
      title: e.title,
      description: e.description,
      durationMinutes: e.durationMinutes,
      locationKind: e.locationKind,
      hostNames: [...loaded.names.values()].map((n) => n.name),
      questions: e.questions,
      timeZone,
      calendarNotice: !calendars?.unavailable
        ? null
        : since
          ? `The calendar could not be checked just now; these times are as of ${localParts(since, timeZone).time}. Your booking is checked again when you book.`
          : 'The calendar could not be checked just now; your booking is checked again when you book.',
      slots: slots.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString(), ...localParts(s.start, timeZone) })),
    };
  });

  const booked = (b: BookedSlot) => ({
    id: b.booking.id,
    start: b.booking.startsAt.toISOString(),
    end: b.booking.endsAt.toISOString(),
    title: b.eventType.title,
    hostNames: b.hostNames,
    rescheduleToken: bookingToken(services.secrets.sessionSecret, 'reschedule', b.booking.workspaceId, b.booking.id),
    cancelToken: bookingToken(services.secrets.sessionSecret, 'cancel', b.booking.workspaceId, b.booking.id),
  });
  app.post(`${pub}/:workspaceId/:slug`, { config: open, schema: { tags, summary: 'Book a free slot; 409 with the next free slots when it was just taken (BOOK-3, BOOK-5)', params: c.publicEventParams, body: c.bookBody, response: { 201: c.bookedSchema, ...errors } } }, async (request, reply) => {
    await limit(request, 'book', services.config.BOOKING_RATE_LIMIT_PER_MINUTE);
    await limitBookingsPerAddress(services, request.params.workspaceId, request.body.email);
    const start = new Date(request.body.start);
    const busy = await calendarBusy(services, request.params.workspaceId, { slug: request.params.slug }, new Date(start.getTime() - 86_400_000), new Date(start.getTime() + 86_400_000));
    const result = await bookSlot(db, { workspaceId: request.params.workspaceId, eventType: { slug: request.params.slug } }, request.body, {
      calendarBusy: busy,
      afterBooked: (tx, b) => notifyBooking(tx, services, b.booking, 'booked'),
    });
    return reply.code(201).send(booked(result));
  });

  app.get(`${pub}/manage/:token`, { config: open, schema: { tags, summary: 'The booking a reschedule or cancel link is for (BOOK-4)', params: c.tokenParams, response: { 200: c.publicBookingSchema, ...errors } } }, async (request) => {
    await limit(request, 'manage', 60);
    const ref = readEither(request.params.token);
    const b = await getBooking(db, ref.workspaceId, ref.bookingId);
    return { id: b.id, title: b.title, start: b.startsAt.toISOString(), end: b.endsAt.toISOString(), status: b.status, attendeeTimeZone: b.attendeeTimeZone, workspaceId: b.workspaceId, slug: b.slug };
  });
  app.post(`${pub}/reschedule/:token`, { config: open, schema: { tags, summary: 'Move a booking to another free slot by its reschedule link (BOOK-4)', params: c.tokenParams, body: c.rescheduleBody, response: { 201: c.bookedSchema, ...errors } } }, async (request, reply) => {
    await limit(request, 'book', services.config.BOOKING_RATE_LIMIT_PER_MINUTE);
    const ref = readBookingToken(services.secrets.sessionSecret, 'reschedule', request.params.token);
    return reply.code(201).send(booked(await rescheduleBooking(services, ref.workspaceId, ref.bookingId, request.body.start)));
  });
  app.post(`${pub}/cancel/:token`, { config: open, schema: { tags, summary: 'Cancel a booking by its cancel link (BOOK-4)', params: c.tokenParams, body: c.cancelBody, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await limit(request, 'book', services.config.BOOKING_RATE_LIMIT_PER_MINUTE);
    const ref = readBookingToken(services.secrets.sessionSecret, 'cancel', request.params.token);
    await cancelBooking(services, ref.workspaceId, ref.bookingId, request.body.reason, 'attendee');
    return reply.code(204).send(null);
  });

  /** Either link shows the booking; each acts only for its own purpose. */
  function readEither(token: string) {
    try {
      return readBookingToken(services.secrets.sessionSecret, 'reschedule', token);
    } catch {
      return readBookingToken(services.secrets.sessionSecret, 'cancel', token);
    }
  }
}

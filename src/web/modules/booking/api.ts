import type { z } from 'zod';
import { api } from '../../lib/api';
import type { bookedSchema, Booking, BookingPages, EventType, publicBookingSchema, publicEventSchema, scheduleSchema } from '../../../server/modules/booking/booking.contract';

export type PublicEvent = z.infer<typeof publicEventSchema>;
export type Booked = z.infer<typeof bookedSchema>;
export type PublicBooking = z.infer<typeof publicBookingSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
export type { Booking, EventType };

export interface FreeSlot {
  start: string;
  end: string;
  date: string;
  time: string;
}

/** The visitor's own zone, as the browser knows it. */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
/** Every IANA zone the browser knows, with UTC and the browser's own always among them (Chromium's list leaves UTC out, so a UTC machine showed the first zone, Africa/Abidjan, as chosen). */
export const allTimeZones = (): string[] => {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', browserTimeZone(), ...zones])];
};

export const bookingApi = {
  pages: (workspaceId: string, host?: string) => api.get<BookingPages>(`/api/public/booking/${workspaceId}`, { query: { host } }),
  page: (workspaceId: string, slug: string, timeZone: string, from?: string) => api.get<PublicEvent>(`/api/public/booking/${workspaceId}/${slug}`, { query: { timeZone, days: 14, from } }),
  book: (workspaceId: string, slug: string, body: { start: string; name: string; email: string; timeZone: string; answers?: Record<string, string> }) => api.post<Booked>(`/api/public/booking/${workspaceId}/${slug}`, body),
  manage: (token: string) => api.get<PublicBooking>(`/api/public/booking/manage/${token}`),
  reschedule: (token: string, start: string) => api.post<Booked>(`/api/public/booking/reschedule/${token}`, { start }),
  cancel: (token: string) => api.post<void>(`/api/public/booking/cancel/${token}`, {}),
  eventTypes: (ws: string) => api.get<{ items: EventType[] }>(`/api/workspaces/${ws}/booking/event-types`),
  schedules: (ws: string) => api.get<{ items: Schedule[] }>(`/api/workspaces/${ws}/booking/schedules`),
  bookings: (ws: string, query: { contactId?: string; from?: string; limit?: number } = {}) => api.get<{ items: Booking[] }>(`/api/workspaces/${ws}/booking/bookings`, { query }),
  createSchedule: (ws: string, body: unknown) => api.post<Schedule>(`/api/workspaces/${ws}/booking/schedules`, body),
  createEventType: (ws: string, body: unknown) => api.post<EventType>(`/api/workspaces/${ws}/booking/event-types`, body),
  updateEventType: (ws: string, id: string, body: unknown) => api.patch<EventType>(`/api/workspaces/${ws}/booking/event-types/${id}`, body),
  updateSchedule: (ws: string, id: string, body: unknown) => api.put<Schedule>(`/api/workspaces/${ws}/booking/schedules/${id}`, body),
  noShow: (ws: string, id: string) => api.post<Booking>(`/api/workspaces/${ws}/booking/bookings/${id}/no-show`),
  cancelByHost: (ws: string, id: string) => api.post<void>(`/api/workspaces/${ws}/booking/bookings/${id}/cancel`, {}),
  connections: (ws: string) => api.get<{ items: { provider: string; status: string; scopes: string[] }[] }>(`/api/workspaces/${ws}/integrations`),
  connectGoogle: (ws: string) => api.post<{ authorizationUrl: string }>(`/api/workspaces/${ws}/integrations/google_calendar/connect`),
  disconnectGoogle: (ws: string) => api.delete(`/api/workspaces/${ws}/integrations/google_calendar`),
};

/** "Tuesday 8 December" in the visitor's language. */
export const dayLabel = (date: string) => new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
export const whenIn = (iso: string, timeZone: string) => new Date(iso).toLocaleString(undefined, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short' });

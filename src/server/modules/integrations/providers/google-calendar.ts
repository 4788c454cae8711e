import { calendar, type calendar_v3 } from '@googleapis/calendar';
import type { Services } from '../../../platform/services';
import { accessToken } from '../oauth-connections';

/**
 * BOOK-2: Google Calendar through Google's official client library, its root URL from config
 * (a local fake in tests). Every call first asks for a live access token: a disconnected
 * member's calendar is simply not called.
 */
export interface CalendarEventInput {
  summary: string;
  description?: string;
  location?: string;
  start: Date;
  end: Date;
  attendeeEmail: string;
  attendeeName: string;
  /** The booking's ICS UID, so Google and mail clients see one event. */
  iCalUID: string;
  sequence: number;
}

export class GoogleCalendar {
  private readonly api: calendar_v3.Calendar;

  constructor(private readonly services: Services) {
    this.api = calendar({ version: 'v3', rootUrl: services.config.GOOGLE_API_ROOT_URL, retry: false, timeout: 10_000 });
  }

  private async auth(workspaceId: string, userId: string) {
    const token = await accessToken(this.services, workspaceId, userId, 'google_calendar');
    return token ? { headers: { authorization: `Bearer ${token}` } } : null;
  }

  /** Busy intervals of the member's primary calendar, or null without a connection. */
  async busy(workspaceId: string, userId: string, from: Date, to: Date): Promise<{ start: Date; end: Date }[] | null> {
    const auth = await this.auth(workspaceId, userId);
    if (!auth) return null;
    const res = await this.api.freebusy.query({ requestBody: { timeMin: from.toISOString(), timeMax: to.toISOString(), items: [{ id: 'primary' }] } }, auth);
    return (res.data.calendars?.primary?.busy ?? []).filter((b) => b.start && b.end).map((b) => ({ start: new Date(b.start!), end: new Date(b.end!) }));
  }

  private body(e: CalendarEventInput): calendar_v3.Schema$Event {
    return {
      summary: e.summary,
      description: e.description,
      location: e.location,
      start: { dateTime: e.start.toISOString() },
      end: { dateTime: e.end.toISOString() },
      attendees: [{ email: e.attendeeEmail, displayName: e.attendeeName }],
      sequence: e.sequence,
    };
  }

  /**
   * Creates the event; returns its id, or null without a connection. When the calendar already
   * holds an event with this iCalUID (Google answers 409: a booking moved while its first sync
   * was still saving the event's id), that event is the booking's: it is brought up to this
   * version unless it already has a later one, and its id returned — never a second event.
   */
  async insert(workspaceId: string, userId: string, e: CalendarEventInput): Promise<string | null> {
    const auth = await this.auth(workspaceId, userId);
    if (!auth) return null;
    try {
      const res = await this.api.events.insert({ calendarId: 'primary', sendUpdates: 'none', requestBody: { ...this.body(e), iCalUID: e.iCalUID } }, auth);
      return res.data.id ?? null;
    } catch (error) {
      if ((error as { status?: number }).status !== 409) throw error;
      const found = await this.api.events.list({ calendarId: 'primary', iCalUID: e.iCalUID, maxResults: 1 }, auth);
      const existing = found.data.items?.[0];
      if (!existing?.id) throw error;
      if ((existing.sequence ?? 0) <= e.sequence) await this.api.events.patch({ calendarId: 'primary', eventId: existing.id, sendUpdates: 'none', requestBody: this.body(e) }, auth);
      return existing.id;
    }
  }

  async update(workspaceId: string, userId: string, eventId: string, e: CalendarEventInput): Promise<boolean> {
    const auth = await this.auth(workspaceId, userId);
    if (!auth) return false;
    await this.api.events.patch({ calendarId: 'primary', eventId, sendUpdates: 'none', requestBody: this.body(e) }, auth);
    return true;
  }

  /**
   * BOOK-2: opens a push channel on the member's calendar: Google posts to `address` with the
   * channel id and `token` whenever its events change. Returns Google's resource id and expiry.
   */
  async watch(workspaceId: string, userId: string, channel: { id: string; address: string; token: string; ttlSeconds: number; calendarId?: string }): Promise<{ resourceId: string | null; expiresAt: Date } | null> {
    const auth = await this.auth(workspaceId, userId);
    if (!auth) return null;
    const res = await this.api.events.watch(
      { calendarId: channel.calendarId ?? 'primary', requestBody: { id: channel.id, type: 'web_hook', address: channel.address, token: channel.token, params: { ttl: String(channel.ttlSeconds) } } },
      auth,
    );
    const expiration = Number(res.data.expiration);
    return { resourceId: res.data.resourceId ?? null, expiresAt: new Date(Number.isFinite(expiration) && expiration > 0 ? expiration : Date.now() + channel.ttlSeconds * 1000) };
  }

  /** BOOK-2: stops a push channel; one Google no longer knows is already stopped. */
  async stopChannel(workspaceId: string, userId: string, id: string, resourceId: string): Promise<boolean> {
    const auth = await this.auth(workspaceId, userId);
    if (!auth) return false;
    try {
      await this.api.channels.stop({ requestBody: { id, resourceId } }, auth);
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
    return true;
  }

  async remove(workspaceId: string, userId: string, eventId: string): Promise<boolean> {
    const auth = await this.auth(workspaceId, userId);
    if (!auth) return false;
    try {
      await this.api.events.delete({ calendarId: 'primary', eventId, sendUpdates: 'none' }, auth);
    } catch (error) {
      // Already gone (deleted in Google by hand): nothing left to do.
      if ((error as { status?: number }).status !== 410 && (error as { status?: number }).status !== 404) throw error;
    }
    return true;
  }
}

// `npm run bench -- --only booking [--write]`: issue 16's Measure section. Free slots of a team
// event type (10 members, 4 weeks, 500 held bookings) through the public route, against a bare SQL
// query reading the same bookings, in one run; then 200 concurrent attempts on one slot.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/server/app';
import { users } from '../src/server/modules/accounts/accounts.schema';
import { bookingHolds } from '../src/server/modules/booking/booking.schema';
import { createEventType } from '../src/server/modules/booking/event-types';
import { createSchedule } from '../src/server/modules/booking/schedules';
import { memberships, workspaces } from '../src/server/modules/workspaces/workspaces.schema';
import { startPlatform } from '../src/server/platform/boot';
import { loadConfig } from '../src/server/platform/config';
import { withTenant, type WorkspaceContext } from '../src/server/platform/db/tenant';
import { createLogger } from '../src/server/platform/logger';
import { cpuPressure, describeMachine, measureAvailability, type Availability, type Machine } from './lib/machine';
import { freePort } from './lib/processes';
import { ms, percentile, ratio, table } from './lib/stats';

export interface BookingBenchResult {
  machine: Machine;
  members: number;
  heldBookings: number;
  runs: number;
  slotsReturned: number;
  route: { p50: number; p95: number; cpuMs: number };
  bareSql: { p50: number; p95: number; cpuMs: number; rows: number };
  race: { attempts: number; booked: number; conflicts: number; other: number; settleMs: number };
  pressure: { start: number | null; end: number | null };
  availability: { start: Availability; end: Availability };
}

const MINUTE = 60_000;

export async function benchBooking(options: { runs?: number; attempts?: number } = {}): Promise<BookingBenchResult> {
  const runs = options.runs ?? 100;
  const attempts = options.attempts ?? 200;
  const machine = describeMachine();
  const availabilityStart = measureAvailability();
  const pressureStart = cpuPressure(10);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kestrel-bench-booking-'));
  const config = loadConfig({
    NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()),
    DEMO_WORKSPACE: 'false', WORKER_CONCURRENCY: '0', RATE_LIMIT_PER_MINUTE: '100000000', BOOKING_RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const platform = await startPlatform(config, createLogger('silent'), { runJobs: false });
  const app = await buildApp(platform.services);
  try {
    const { system, db } = platform.services.database;
    // A workspace with ten members, each with weekday hours in New York.
    const [ws] = await system.insert(workspaces).values({ name: 'Booking Bench Co' }).returning({ id: workspaces.id });
    const workspaceId = ws!.id;
    const members = await system
      .insert(users)
      .values(Array.from({ length: 10 }, (_, i) => ({ email: `bench-booking-${i}-${Date.now()}@example.test`, name: `Member ${i}` })))
      .returning({ id: users.id });
    await system.insert(memberships).values(members.map((m, i) => ({ workspaceId, userId: m.id, role: i === 0 ? ('owner' as const) : ('staff' as const) })));
    const hosts: { userId: string; scheduleId: string }[] = [];
    for (const m of members) {
      const ctx: WorkspaceContext = { workspaceId, userId: m.id, role: 'admin' };
      const s = await createSchedule(db, ctx, { name: 'Working hours', timeZone: 'America/New_York', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), overrides: [] });
      hosts.push({ userId: m.id, scheduleId: s.id });
    }
    const owner: WorkspaceContext = { workspaceId, userId: members[0]!.id, role: 'owner' };
    const team = await createEventType(db, owner, { slug: 'team-intro', title: 'Team intro call', assignment: 'round_robin', durationMinutes: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 10, windowDays: 60, hosts });
    const single = await createEventType(db, owner, { slug: 'race', title: 'Race call', durationMinutes: 30, hosts: [hosts[9]!] });

    // 500 bookings over the next four weeks, spread over the members' working half-hours (no overlaps per member).
    const first = DateTime.now().setZone('America/New_York').plus({ days: 1 }).startOf('day');
    const positions: { userId: string; start: Date }[] = [];
    for (let d = 0; d < 28; d++) {
      const day = first.plus({ days: d });
      if (day.weekday > 5) continue;
      for (const h of hosts) for (let k = 0; k < 16; k += 2) positions.push({ userId: h.userId, start: day.set({ hour: 9, minute: 0 }).plus({ minutes: 30 * k }).toJSDate() });
    }
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = positions.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [positions[i], positions[j]] = [positions[j]!, positions[i]!];
    }
    const chosen = positions.slice(0, 500);
    await withTenant(db, owner, (tx) =>
      tx.insert(bookingHolds).values(
        chosen.map((p) => ({
          workspaceId, eventTypeId: team.id, hostUserId: p.userId, startsAt: p.start, endsAt: new Date(p.start.getTime() + 30 * MINUTE),
          blocksFrom: new Date(p.start.getTime() - 10 * MINUTE), blocksUntil: new Date(p.start.getTime() + 40 * MINUTE),
        })),
      ),
    );
    const from = first.toISODate()!;
    const url = `/api/public/booking/${workspaceId}/team-intro?timeZone=Europe/Berlin&from=${from}&days=28`;
    const check = await app.inject({ method: 'GET', url, remoteAddress: '10.0.0.1' });
    if (check.statusCode !== 200) throw new Error(`free slots: ${check.statusCode} ${check.body}`);
    const slotsReturned = check.json().slots.length as number;

    const timed = async (fn: () => Promise<unknown>) => {
      for (let i = 0; i < 5; i++) await fn();
      const out: number[] = [];
      const cpu = process.cpuUsage();
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await fn();
        out.push(performance.now() - t0);
      }
      const used = process.cpuUsage(cpu);
      return { times: out, cpuMs: (used.user + used.system) / 1000 / runs };
    };
    const route = await timed(() => app.inject({ method: 'GET', url, remoteAddress: '10.0.0.1' }));
    // The bare query: the same held times of the same members over the same weeks, nothing computed.
    const fromDate = first.toJSDate();
    const toDate = first.plus({ days: 28 }).toJSDate();
    const ids = hosts.map((h) => h.userId);
    let rows = 0;
    const bare = await timed(async () => {
      const r = await withTenant(db, owner, (tx) =>
        tx.execute(sql`SELECT host_user_id, blocks_from, blocks_until FROM booking_holds WHERE workspace_id = ${workspaceId} AND host_user_id = ANY(${`{${ids.join(',')}}`}::uuid[]) AND released_at IS NULL AND blocks_from < ${toDate} AND blocks_until > ${fromDate}`),
      );
      rows = r.rows.length;
    });

    // 200 visitors over HTTP at once for one slot of one member.
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    const slot = (await app.inject({ method: 'GET', url: `/api/public/booking/${workspaceId}/race?timeZone=UTC&from=${first.plus({ days: 7 }).toISODate()}&days=7`, remoteAddress: '10.0.0.2' })).json().slots[0].start as string;
    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        fetch(`http://127.0.0.1:${address.port}/api/public/booking/${workspaceId}/race`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ start: slot, name: `Racer ${i}`, email: `racer${i}@example.test`, timeZone: 'UTC' }),
        }).then((r) => r.status),
      ),
    );
    const settleMs = performance.now() - t0;
    void single;
    const times = route.times;
    return {
      machine,
      members: hosts.length,
      heldBookings: chosen.length,
      runs,
      slotsReturned,
      route: { p50: percentile(times, 0.5), p95: percentile(times, 0.95), cpuMs: route.cpuMs },
      bareSql: { p50: percentile(bare.times, 0.5), p95: percentile(bare.times, 0.95), cpuMs: bare.cpuMs, rows },
      race: { attempts, booked: answers.filter((s) => s === 201).length, conflicts: answers.filter((s) => s === 409).length, other: answers.filter((s) => s !== 201 && s !== 409).length, settleMs },
      pressure: { start: pressureStart, end: cpuPressure(10) },
      availability: { start: availabilityStart, end: measureAvailability() },
    };
  } finally {
    await app.close();
    await platform.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const pct = (v: number | null) => (v === null ? 'unknown' : `${v.toFixed(0)} %`);
const pauses = (a: Availability) => `${a.runningPct.toFixed(0)} % (${a.pauses} pauses ≥ 5 ms, longest ${a.longestMs.toFixed(0)} ms)`;

export function bookingMarkdown(r: BookingBenchResult): string {
  return [
    `Measured ${r.machine.date} on ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.ramGib} GiB RAM, Node ${r.machine.node}; commit ${r.machine.commit}. ` +
      `CPU pressure (10 s) ${pct(r.pressure.start)} at the start and ${pct(r.pressure.end)} at the end; a busy loop ran ${pauses(r.availability.start)} at the start and ${pauses(r.availability.end)} at the end ` +
      '(below 100 % the host froze the virtual machine, stretching every figure alike). In-process: `app.inject` of the real route on the embedded PostgreSQL, sequential requests; CPU per request is this Node process\'s (PostgreSQL\'s own CPU not included).',
    '',
    `Free slots of a round-robin team event type: ${r.members} members with weekday hours, four weeks shown in the visitor's zone, ${r.heldBookings} bookings held among them (buffers 10 min), no Google connection; ${r.runs} runs after 5 warm-ups; ${r.slotsReturned} slots returned.`,
    '',
    table(
      ['What', 'p50', 'p95', 'CPU per request'],
      [
        ['`GET /api/public/booking/:ws/:slug` (28 days): hosts, hours, holds, slot computation, JSON', ms(r.route.p50), ms(r.route.p95), ms(r.route.cpuMs)],
        [`Bare SQL reading the same held times (${r.bareSql.rows} rows, one transaction with the tenant set)`, ms(r.bareSql.p50), ms(r.bareSql.p95), ms(r.bareSql.cpuMs)],
        ['Ratio (route / bare SQL)', ratio(r.route.p50 / r.bareSql.p50), ratio(r.route.p95 / r.bareSql.p95), ''],
      ],
    ),
    '',
    `Concurrent booking (BOOK-3): ${r.race.attempts} HTTP requests at once for one slot of one member: **${r.race.booked} booked, ${r.race.conflicts} × 409** (with the next three free slots)${r.race.other ? `, ${r.race.other} other` : ''}; all settled in ${ms(r.race.settleMs)}.`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchBooking();
  process.stdout.write(`${bookingMarkdown(r)}\n`);
}

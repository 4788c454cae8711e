import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { recordAudit } from '../audit';
import { workspaces } from '../workspaces/workspaces.schema';
import { eraseWorkspacePerson } from './person-privacy';
import type { Erasure, MinorReport, MinorReportBody } from './privacy.contract';
import { privacyMinorReports as reports } from './privacy.schema';
import { normaliseEmail, suppressionHash } from './suppression';

/** The audit names the reported person by hash only. */
const byHash = (r: { email: string | null; phone: string | null }) => ({
  ...(r.email ? { emailSha256: suppressionHash(normaliseEmail(r.email)) } : {}),
  ...(r.phone ? { phoneGiven: true } : {}),
});

/**
 * PRIV-10: someone outside (a parent, a guardian, the child) reports on the workspace's public
 * privacy page that it holds a minor's data. The report waits for an owner or admin; the answer
 * is the same whoever is named, so the form tells no one what the workspace holds.
 */
export async function receiveMinorReport(db: Db, workspaceId: string, body: MinorReportBody, ip: string | null): Promise<void> {
  const ctx: WorkspaceContext = { workspaceId, userId: null, role: 'admin', actorLabel: 'Public privacy page', ip };
  await withTenant(db, ctx, async (tx) => {
    const [ws] = await tx.select({ closedAt: workspaces.closedAt }).from(workspaces).where(eq(workspaces.id, workspaceId));
    if (!ws || ws.closedAt) throw notFound('Workspace');
    const [row] = await tx
      .insert(reports)
      .values({ workspaceId, email: body.email ?? null, phone: body.phone ?? null, details: body.details ?? null, reporterEmail: body.reporterEmail ?? null })
      .returning({ id: reports.id });
    await recordAudit(tx, ctx, { action: 'privacy.minor_report_received', targetType: 'privacy_minor_report', targetId: row!.id, details: byHash({ email: body.email ?? null, phone: body.phone ?? null }) });
  });
}

/** PRIV-10: the reports waiting, oldest first (owners and admins). */
export async function listMinorReports(db: Db, ctx: WorkspaceContext): Promise<MinorReport[]> {
  return withTenant(db, ctx, async (tx) => {
    const rows = await tx.select().from(reports).where(eq(reports.workspaceId, ctx.workspaceId)).orderBy(desc(reports.createdAt)).limit(200);
    return rows.map((r) => ({ id: r.id, email: r.email, phone: r.phone, details: r.details, reporterEmail: r.reporterEmail, createdAt: r.createdAt.toISOString() }));
  });
}

async function findReport(db: Db, ctx: WorkspaceContext, id: string) {
  const [row] = await withTenant(db, ctx, (tx) => tx.select().from(reports).where(and(eq(reports.workspaceId, ctx.workspaceId), eq(reports.id, id))));
  if (!row) throw notFound('Report');
  return row;
}

/**
 * PRIV-10: the owner or admin acts on a report: the person it names is erased as a minor (the
 * report goes with them, as it mentions them), audited by hash.
 */
export async function eraseReportedMinor(db: Db, ctx: WorkspaceContext, id: string): Promise<Erasure> {
  const row = await findReport(db, ctx, id);
  return eraseWorkspacePerson(db, ctx, { ...(row.email ? { email: row.email } : {}), ...(row.phone ? { phone: row.phone } : {}) }, 'minor');
}

/** PRIV-10: a report found to be wrong is deleted; the audit keeps that it was dismissed, by hash. */
export async function dismissMinorReport(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const [row] = await tx.delete(reports).where(and(eq(reports.workspaceId, ctx.workspaceId), eq(reports.id, id))).returning();
    if (!row) throw notFound('Report');
    await recordAudit(tx, ctx, { action: 'privacy.minor_report_dismissed', targetType: 'privacy_minor_report', targetId: id, details: byHash(row) });
  });
}

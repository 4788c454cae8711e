import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { hashPassword } from './platform/auth/passwords';
import { randomToken } from './platform/crypto/tokens';
import type { Services } from './platform/services';
import { users } from './modules/accounts/accounts.schema';
import { findUserByEmail } from './modules/accounts/users';
import { createWorkspace } from './modules/workspaces/manage-workspace';
import { seedDemoCrm, seedDemoInbox } from './demo-data';

export const DEMO_EMAIL = 'demo@kestrel.localhost';

/**
 * The demo login printed at start: an owner of "Demo Bakery" so a newcomer can look around
 * before signing up, with a small CRM to look at (demo-data.ts). Its password is generated once
 * and kept in the data directory. It is the instance's operator, so it reads the development
 * mailbox (SEC-1).
 */
export async function ensureDemoWorkspace(services: Services): Promise<{ email: string; password: string }> {
  const file = path.resolve(services.config.DATA_DIR, 'demo-login.json');
  const { db } = services.database;
  const existing = await findUserByEmail(db, DEMO_EMAIL);
  if (existing && existsSync(file)) {
    // SEC-1: the demo owner reads the development mailbox (also for a demo made before operators existed).
    if (!existing.operator) await db.update(users).set({ operator: true }).where(sql`${users.id} = ${existing.id}`);
    return JSON.parse(readFileSync(file, 'utf8'));
  }
  const password = `demo-${randomToken(9)}`;
  const passwordHash = await hashPassword(password, services.passwordPolicy);
  if (existing) {
    await db.update(users).set({ passwordHash, operator: true }).where(sql`${users.id} = ${existing.id}`);
  } else {
    const [user] = await db
      .insert(users)
      .values({ email: DEMO_EMAIL, name: 'Demo Owner', passwordHash, emailVerifiedAt: new Date(), ageConfirmedAt: new Date(), operator: true })
      .returning();
    const workspace = await createWorkspace(db, { userId: user!.id, email: DEMO_EMAIL }, {
      name: 'Demo Bakery',
      category: 'Food & beverage',
      city: 'Austin',
      state: 'TX',
      country: 'US',
      postalCode: '78701',
      addressLine1: '100 Congress Ave',
      timeZone: 'America/Chicago',
      currency: 'USD',
      mailingAddress: '100 Congress Ave, Austin, TX 78701, USA',
      territory: { zipCodes: ['78701', '78702', '78703'], cities: ['Austin'], states: ['TX'] },
    });
    await seedDemoCrm(db, { workspaceId: workspace.id, userId: user!.id, role: 'owner', actorLabel: 'Demo set-up' });
    await seedDemoInbox(services, { workspaceId: workspace.id, userId: user!.id });
  }
  const login = { email: DEMO_EMAIL, password };
  writeFileSync(file, JSON.stringify(login), { mode: 0o600 });
  return login;
}

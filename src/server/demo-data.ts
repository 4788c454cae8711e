import type { Db } from './platform/db/database';
import { withTenant, type WorkspaceContext } from './platform/db/tenant';
import { createActivity } from './modules/activities/create-activity';
import { createActivityBody } from './modules/activities/activities.contract';
import { createCompany } from './modules/crm/companies/create-company';
import { createContact } from './modules/crm/contacts/create-contact';
import { createCompanyBody, createContactBody, createDealBody, type Company, type Contact } from './modules/crm/crm.contract';
import { createDeal } from './modules/crm/deals/create-deal';
import { ensureDefaultPipeline, loadPipelines } from './modules/crm/deals/list-pipelines';

/**
 * What the demo workspace holds on its first start, so that a newcomer signing in with the
 * printed login finds a living CRM rather than empty tables: a bakery's wholesale customers
 * and prospects, deals in every stage of the pipeline, and timelines with notes, calls,
 * emails, a meeting and open tasks. Everything goes through the same checks as the API.
 */

const COMPANIES = [
  { name: 'Riverside Café', domain: 'riverside-cafe.test', industry: 'Restaurants', size: '11-50', city: 'Austin', state: 'TX', postalCode: '78701' },
  { name: 'Green Fork Catering', domain: 'greenfork.test', industry: 'Catering', size: '11-50', city: 'Austin', state: 'TX', postalCode: '78702' },
  { name: 'Hill Country Grocers', domain: 'hcgrocers.test', industry: 'Retail', size: '51-200', city: 'San Marcos', state: 'TX', postalCode: '78666' },
  { name: 'Lakeview Hotel', domain: 'lakeviewhotel.test', industry: 'Hospitality', size: '51-200', city: 'Austin', state: 'TX', postalCode: '78703' },
  { name: 'Bright Start Preschool', domain: 'brightstart.test', industry: 'Education', size: '1-10', city: 'Round Rock', state: 'TX', postalCode: '78664' },
  { name: 'Copper Kettle Coffee', domain: 'copperkettle.test', industry: 'Restaurants', size: '1-10', city: 'Austin', state: 'TX', postalCode: '78704' },
] as const;

type Lifecycle = 'lead' | 'prospect' | 'customer' | 'churned';
const CONTACTS: { first: string; last: string; title: string; company: number | null; lifecycle: Lifecycle; source: string; city?: string }[] = [
  { first: 'Maria', last: 'Alvarez', title: 'Owner', company: 0, lifecycle: 'customer', source: 'Walk-in' },
  { first: 'James', last: 'Okafor', title: 'Head chef', company: 0, lifecycle: 'customer', source: 'Walk-in' },
  { first: 'Priya', last: 'Raman', title: 'Events manager', company: 1, lifecycle: 'prospect', source: 'Referral' },
  { first: 'Tom', last: 'Becker', title: 'Purchasing lead', company: 2, lifecycle: 'prospect', source: 'Trade show' },
  { first: 'Aiko', last: 'Tanaka', title: 'Store manager', company: 2, lifecycle: 'lead', source: 'Trade show' },
  { first: 'Daniel', last: 'Reyes', title: 'Food & beverage director', company: 3, lifecycle: 'prospect', source: 'Website' },
  { first: 'Grace', last: 'Liu', title: 'Director', company: 4, lifecycle: 'customer', source: 'Referral' },
  { first: 'Sam', last: 'Whitfield', title: 'Co-owner', company: 5, lifecycle: 'churned', source: 'Instagram' },
  { first: 'Nora', last: 'Haddad', title: 'Wedding planner', company: null, lifecycle: 'lead', source: 'Website', city: 'Austin' },
  { first: 'Luis', last: 'Fernández', title: 'Office manager', company: null, lifecycle: 'lead', source: 'Website', city: 'Pflugerville' },
  { first: 'Emma', last: 'Schultz', title: 'Catering coordinator', company: 1, lifecycle: 'lead', source: 'Referral' },
  { first: 'Kwame', last: 'Mensah', title: 'General manager', company: 3, lifecycle: 'lead', source: 'Cold call' },
];

const DAY = 86_400_000;

/**
 * Creates the demo CRM in a workspace that has none yet, all or nothing: the API's functions
 * run inside one transaction (each of their own transactions becomes a savepoint of it).
 */
export async function seedDemoCrm(db: Db, ctx: WorkspaceContext, now = new Date()): Promise<void> {
  await db.transaction((tx) => seedIn(tx as unknown as Db, ctx, now));
}

async function seedIn(db: Db, ctx: WorkspaceContext, now: Date): Promise<void> {
  const ago = (days: number, hour = 10) => new Date(Math.floor((now.getTime() - days * DAY) / DAY) * DAY + hour * 3_600_000).toISOString();

  const companies: Company[] = [];
  for (const c of COMPANIES) companies.push(await createCompany(db, ctx, createCompanyBody.parse({ ...c, country: 'US' })));

  const contacts: Contact[] = [];
  for (const [i, p] of CONTACTS.entries()) {
    const company = p.company === null ? null : companies[p.company]!;
    const domain = company?.domain ?? 'example.com';
    contacts.push(
      await createContact(
        db,
        ctx,
        createContactBody.parse({
          firstName: p.first,
          lastName: p.last,
          emails: [`${p.first.toLowerCase()}.${p.last.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}@${domain}`],
          phones: [`+1 512 555 01${String(10 + i).padStart(2, '0')}`],
          title: p.title,
          companyId: company?.id ?? null,
          city: company?.city ?? p.city ?? null,
          state: 'TX',
          country: 'US',
          timeZone: 'America/Chicago',
          lifecycle: p.lifecycle,
          source: p.source,
          consentState: p.lifecycle === 'customer' ? 'granted' : 'unknown',
        }),
      ),
    );
  }

  const [pipeline] = await withTenant(db, ctx, async (tx) => {
    await ensureDefaultPipeline(tx, ctx);
    return loadPipelines(tx, ctx);
  });
  const stage = (name: string) => pipeline!.stages.find((s) => s.name === name)?.id ?? pipeline!.stages[0]!.id;
  const deal = (name: string, stageName: string, amount: number, contact: number, closeInDays: number, lostReason?: string) =>
    createDeal(
      db,
      ctx,
      createDealBody.parse({
        name,
        amount,
        currency: 'USD',
        pipelineId: pipeline!.id,
        stageId: stage(stageName),
        contactId: contacts[contact]!.id,
        companyId: contacts[contact]!.companyId,
        expectedCloseDate: new Date(now.getTime() + closeInDays * DAY).toISOString().slice(0, 10),
        ...(lostReason ? { lostReason } : {}),
      }),
    );
  const deals = [
    await deal('Riverside Café — daily pastry order', 'Won', 14_400, 0, -20),
    await deal('Green Fork — wedding season desserts', 'Proposal', 9_800, 2, 21),
    await deal('Hill Country Grocers — bread shelf', 'Negotiation', 26_000, 3, 10),
    await deal('Lakeview Hotel — breakfast buffet', 'Qualified', 18_500, 5, 45),
    await deal('Bright Start — birthday cakes', 'Won', 2_400, 6, -45),
    await deal('Copper Kettle — croissant supply', 'Lost', 6_000, 7, -30, 'Chose a cheaper supplier'),
    await deal('Haddad wedding — cake for 150', 'Lead-in', 1_900, 8, 60),
    await deal('Office breakfast boxes', 'Qualified', 3_200, 9, 30),
  ];

  const link = (...records: [('contacts' | 'companies' | 'deals'), string][]) => records.map(([recordType, recordId]) => ({ recordType, recordId }));
  const items = [
    { kind: 'note', body: '<p>Maria wants sourdough and morning buns every weekday by 6:30. Invoice monthly.</p>', occurredAt: ago(24), links: link(['contacts', contacts[0]!.id], ['deals', deals[0]!.id], ['companies', companies[0]!.id]) },
    { kind: 'call', subject: 'Tasting follow-up', body: '<p>Priya loved the lemon tart; needs pricing for 12 weddings May–September.</p>', callOutcome: 'connected', callDurationSeconds: 540, occurredAt: ago(6), links: link(['contacts', contacts[2]!.id], ['deals', deals[1]!.id]) },
    { kind: 'email', subject: 'Wedding season dessert proposal', body: '<p>Attached is our proposal for the 2027 wedding season, with tasting notes.</p>', emailDirection: 'outbound', emailTo: [contacts[2]!.email], occurredAt: ago(4), links: link(['contacts', contacts[2]!.id], ['deals', deals[1]!.id]) },
    { kind: 'meeting', subject: 'Shelf layout walk-through', body: '<p>Tom can give us two shelves near the deli. Wants a 5% volume discount above 300 loaves a week.</p>', meetingStartsAt: ago(9, 15), occurredAt: ago(9, 15), links: link(['contacts', contacts[3]!.id], ['deals', deals[2]!.id], ['companies', companies[2]!.id]) },
    { kind: 'call', subject: 'Intro call', callOutcome: 'left_voicemail', callDurationSeconds: 45, occurredAt: ago(15), links: link(['contacts', contacts[5]!.id], ['deals', deals[3]!.id]) },
    { kind: 'note', body: '<p>Sam switched to a wholesale supplier on price. Worth checking back in spring.</p>', occurredAt: ago(30), links: link(['contacts', contacts[7]!.id], ['deals', deals[5]!.id]) },
    { kind: 'email', subject: 'Cake for 150 guests', body: '<p>Hi! We are planning a wedding on June 12th and would love a three-tier cake.</p>', emailDirection: 'inbound', emailFrom: contacts[8]!.email, occurredAt: ago(2), links: link(['contacts', contacts[8]!.id], ['deals', deals[6]!.id]) },
    { kind: 'task', subject: 'Send revised bread pricing to Tom', taskDueAt: new Date(now.getTime() + DAY).toISOString(), links: link(['contacts', contacts[3]!.id], ['deals', deals[2]!.id]) },
    { kind: 'task', subject: 'Call Daniel about the breakfast buffet trial', taskDueAt: new Date(now.getTime() - DAY).toISOString(), links: link(['contacts', contacts[5]!.id], ['deals', deals[3]!.id]) },
    { kind: 'task', subject: 'Book a tasting with Nora', taskDueAt: new Date(now.getTime() + 3 * DAY).toISOString(), links: link(['contacts', contacts[8]!.id], ['deals', deals[6]!.id]) },
  ];
  for (const item of items) await createActivity(db, ctx, createActivityBody.parse(item));
}

import type { Db } from './platform/db/database';
import type { Services } from './platform/services';
import { askForPerson, leaveContact, postStaffMessage, receiveEmail, sendVisitorMessage, startConversation, updateWidgetSettings } from './modules/conversations';
import { withTenant, type WorkspaceContext } from './platform/db/tenant';
import { createActivity } from './modules/activities/create-activity';
import { createActivityBody } from './modules/activities/activities.contract';
import { createCompany } from './modules/crm/companies/create-company';
import { createContact } from './modules/crm/contacts/create-contact';
import { createCompanyBody, createContactBody, createDealBody, type Company, type Contact } from './modules/crm/crm.contract';
import { createDeal } from './modules/crm/deals/create-deal';
import { ensureDefaultPipeline, loadPipelines } from './modules/crm/deals/list-pipelines';
import { createEventTypeBody, scheduleBody } from './modules/booking/booking.contract';
import { createEventType } from './modules/booking/event-types';
import { createSchedule } from './modules/booking/schedules';
import { knowledgeBody } from './modules/conversations/conversations.contract';
import { createKnowledge } from './modules/conversations/knowledge';
import { templateBody } from './modules/outreach/outreach.contract';
import { createTemplate } from './modules/outreach/templates/manage-templates';

/**
 * What the demo workspace holds on its first start, so that a newcomer signing in with the
 * printed login finds a living CRM rather than empty tables: a bakery's wholesale customers
 * and prospects, deals in every stage of the pipeline, and timelines with notes, calls,
 * emails, a meeting and open tasks; a booking page for cake tastings, an email template and a
 * call script, and answers the website assistant gives from its knowledge. Everything goes
 * through the same checks as the API.
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


  // BOOK-1: the owner's hours and a booking page to share, so /booking and its public page have something to show.
  const hours = await createSchedule(
    db,
    ctx,
    scheduleBody.parse({ name: 'Bakery hours', timeZone: 'America/Chicago', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '10:00', end: '16:00' })), overrides: [] }),
  );
  await createEventType(
    db,
    ctx,
    createEventTypeBody.parse({
      slug: 'cake-tasting',
      title: 'Cake tasting',
      description: 'Taste three of our cakes and talk through your order: flavours, tiers, delivery.',
      hosts: [{ userId: ctx.userId!, scheduleId: hours.id }],
      durationMinutes: 30,
      bufferBeforeMinutes: 10,
      bufferAfterMinutes: 10,
      minNoticeMinutes: 24 * 60,
      dailyCap: 6,
      locationKind: 'address',
      locationValue: '100 Congress Ave, Austin, TX 78701',
      questions: [{ id: 'guests', label: 'How many guests is the cake for?', kind: 'text', required: false }],
    }),
  );

  // MAIL-2 / CALL-1: a template to send or put in a sequence, and a call script for the call list.
  await createTemplate(
    db,
    ctx,
    templateBody.parse({
      name: 'Wedding season tasting invitation',
      subject: 'A tasting for your wedding cake, {{contact.firstName | "friend"}}?',
      html: '<p>Hi {{contact.firstName | "there"}},</p><p>Our 2027 wedding season menu is out: lemon and elderflower, salted caramel, and a dark chocolate torte. Book a free 30-minute tasting and we will bring three of them.</p><p>{{sender.name}}, {{workspace.name}}</p>',
    }),
  );
  await createTemplate(
    db,
    ctx,
    templateBody.parse({
      kind: 'call_script',
      name: 'Wholesale intro call',
      subject: 'Wholesale intro call',
      html: '<p>Hi {{contact.firstName}}, this is {{sender.name}} from {{workspace.name}}. We bake fresh bread and pastries for cafés around Austin every morning.</p><p>Ask: how many covers a day? Who supplies their bread today? Would a free sample box on Friday help?</p>',
    }),
  );

  // CONV-2: what the website assistant answers from until the owner adds their own.
  const faq = [
    ['Do you deliver?', 'Yes: anywhere in Austin for orders over $60, from 7:00 to 11:00 on weekdays. Wedding cakes are delivered and set up by us.'],
    ['How far ahead should I order a wedding cake?', 'Four to eight weeks ahead in spring and summer, two to four weeks otherwise. Book a cake tasting first; the date is held once you pay the deposit.'],
    ['Do you have gluten-free or vegan options?', 'Yes: our almond-orange cake is gluten-free and the dark chocolate torte can be made vegan. Both are baked in a kitchen that also handles wheat and nuts.'],
  ] as const;
  for (const [title, body] of faq) await createKnowledge(db, ctx, knowledgeBody.parse({ kind: 'faq', title, body }));
}

/**
 * CONV-1..3, CONV-6: the inbox on the first visit, made through the conversations module's own use
 * cases (as a visitor, a customer's mail and the owner would): a website-chat visitor who asked
 * about prices, pressed "Talk to a person" and left their details (a lead in the CRM), waiting for
 * a reply; and an email thread with Nora (linked to her contact by her address): her question,
 * the owner's answer and her follow-up, waiting too. Runs once, when the demo workspace is made.
 */
export async function seedDemoInbox(services: Services, ctx: { workspaceId: string; userId: string }, now = new Date()): Promise<void> {
  const { workspaceId } = ctx;
  const owner = { workspaceId, userId: ctx.userId, role: 'owner' as const };
  // The website chat, on the bakery's own site.
  await updateWidgetSettings(services, owner, { title: 'Demo Bakery', greeting: 'Hi! Ask us about cakes, orders and delivery. We usually answer within the hour.', allowedOrigins: ['https://demo-bakery.example'] });
  const chat = await startConversation(services, workspaceId, { page: 'https://demo-bakery.example/wedding-cakes' }, { ip: '127.0.0.1', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1' });
  const visitor = (clientId: string, body: string) => sendVisitorMessage(services, workspaceId, { token: chat.token, clientId, body });
  await visitor('demo-chat-1', 'Hi! How much is a two-tier wedding cake for about 80 guests? And is delivery included?');
  await askForPerson(services, workspaceId, chat.token);
  await leaveContact(services, workspaceId, { token: chat.token, name: 'Ben Carter', email: 'ben.carter@example.com', phone: '+1 512 555 0142', consent: false });
  await visitor('demo-chat-2', "We're thinking lemon and elderflower, for Saturday June 12. Thanks!");

  // The email thread.
  const nora = (n: number, hoursAgo: number, subject: string, lines: string[], inReplyTo?: string) =>
    receiveEmail(
      services,
      workspaceId,
      Buffer.from(
        [
          'From: Nora Haddad <nora.haddad@example.com>',
          'To: hello@demo-bakery.example',
          `Subject: ${subject}`,
          `Date: ${new Date(now.getTime() - hoursAgo * 3_600_000).toUTCString()}`,
          `Message-ID: <demo-nora-${n}@example.com>`,
          ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`, `References: ${inReplyTo}`] : []),
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-8',
          '',
          ...lines,
          '',
        ].join('\r\n'),
        'utf8',
      ),
    );
  const first = await nora(1, 26, 'Tasting for the Haddad wedding', [
    'Hi! Thanks for the proposal. Could we come in for a tasting next week, ideally Tuesday or Wednesday afternoon?',
    'We are now expecting about 170 guests, and two of them need a gluten-free slice.',
    '',
    'Nora',
  ]);
  if (first.outcome === 'stored') {
    await postStaffMessage(services, owner, first.conversationId, {
      kind: 'reply',
      body: 'Hi Nora, congratulations! Tuesday at 3 pm works: we will have three flavours ready, and the almond-orange cake is gluten-free, so your two guests are covered. For 170 guests we would suggest four tiers.',
    });
  }
  await nora(2, 3, 'Re: Tasting for the Haddad wedding', ['Tuesday at 3 is perfect, see you then! Can my mother come along too?', '', 'Nora'], '<demo-nora-1@example.com>');
}

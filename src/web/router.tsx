import type { QueryClient } from '@tanstack/react-query';
import { type AnyRoute, createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Link, Outlet, redirect } from '@tanstack/react-router';
import { useEffect } from 'react';
import { handleSignedOut, queryClient } from './lib/queryClient';
import { meQuery } from './modules/accounts/useMe';
import { lastWorkspace } from './modules/workspaces/useWorkspaces';
import { Announcer, announce } from './ui/Announcer';
import { ErrorAlert } from './ui/Alert';
import { AuthLayout } from './ui/AuthLayout';
import { buttonClass } from './ui/Button';
import { safeRedirect } from './ui/links';
import { LoadingBlock } from './ui/Spinner';

interface RouterContext {
  queryClient: QueryClient;
}

const getMe = (context: RouterContext) => context.queryClient.ensureQueryData(meQuery);

/** Signed-in pages: no session → sign in (and come back); password given but no second factor → /two-factor. */
async function requireUser({ context, location }: { context: RouterContext; location: { href: string } }) {
  const me = await getMe(context);
  if (me.user) return { me };
  if (me.mfaPending) throw redirect({ to: '/two-factor', search: { redirect: location.href } });
  throw redirect({ to: '/sign-in', search: { redirect: location.href } });
}

/** Sign-in and sign-up pages are for people who are not signed in yet. */
async function requireGuest({ context }: { context: RouterContext }) {
  const me = await getMe(context);
  if (me.user) throw redirect({ to: '/' });
}

// Every page is its own chunk (lazyRouteComponent): the first bundle holds React, the router, the
// query client and these guards, so the sign-in page and the first page after sign-in each load
// only their own code (test/web-bundle.test.ts holds the first page after sign-in to 200 kB gzipped).
const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Root,
  notFoundComponent: NotFound,
  errorComponent: ({ error }) => <RouteError error={error} />,
  pendingComponent: () => <LoadingBlock />,
});

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: async ({ context }) => {
    const me = await getMe(context);
    if (!me.user) throw redirect({ to: me.mfaPending ? '/two-factor' : '/sign-in' });
    if (me.workspaces.length === 0) throw redirect({ to: '/onboarding' });
    const remembered = lastWorkspace();
    const target = me.workspaces.find((w) => w.id === remembered) ?? me.workspaces[0]!;
    throw redirect({ to: '/w/$workspaceId', params: { workspaceId: target.id } });
  },
});

// Search parameters are read by hand rather than with zod, which the first bundle would otherwise
// carry: anything malformed reads as absent, so a mangled link still opens its page.
function text(value: unknown, max = Infinity): string | undefined {
  return typeof value === 'string' && value.length <= max ? value : undefined;
}
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Search = Record<string, unknown>;
const redirectSearch = (search: Search): { redirect?: string } => ({ redirect: text(search.redirect) });

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (search: Search): { redirect?: string; error?: string; reset?: string } => ({ ...redirectSearch(search), error: text(search.error, 100), reset: text(search.reset) }),
  beforeLoad: async ({ context, search }) => {
    const me = await getMe(context);
    if (me.user) throw redirect({ href: safeRedirect(search.redirect) ?? '/' });
  },
  component: lazyRouteComponent(() => import('./modules/accounts/SignInPage'), 'SignInPage'),
});

const signUpRoute = createRoute({ getParentRoute: () => rootRoute, path: '/sign-up', beforeLoad: requireGuest, component: lazyRouteComponent(() => import('./modules/accounts/SignUpPage'), 'SignUpPage') });
const googleSignUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-up/google',
  validateSearch: (search: Search): { email?: string } => ({ email: text(search.email, 254) }),
  component: lazyRouteComponent(() => import('./modules/accounts/GoogleSignUpPage'), 'GoogleSignUpPage'),
});
const forgotRoute = createRoute({ getParentRoute: () => rootRoute, path: '/forgot-password', component: lazyRouteComponent(() => import('./modules/accounts/ForgotPasswordPage'), 'ForgotPasswordPage') });
const resetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset-password',
  validateSearch: (search: Search): { token?: string } => ({ token: text(search.token) }),
  component: lazyRouteComponent(() => import('./modules/accounts/ResetPasswordPage'), 'ResetPasswordPage'),
});
const twoFactorRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/two-factor',
  validateSearch: redirectSearch,
  beforeLoad: async ({ context, search }) => {
    const me = await getMe(context);
    if (me.user) throw redirect({ href: safeRedirect(search.redirect) ?? '/' });
    if (!me.mfaPending) throw redirect({ to: '/sign-in' });
  },
  component: lazyRouteComponent(() => import('./modules/accounts/TwoFactorPage'), 'TwoFactorPage'),
});
const inviteRoute = createRoute({ getParentRoute: () => rootRoute, path: '/invite/$token', component: lazyRouteComponent(() => import('./modules/workspaces/InvitePage'), 'InvitePage') });
const onboardingRoute = createRoute({ getParentRoute: () => rootRoute, path: '/onboarding', beforeLoad: requireUser, component: lazyRouteComponent(() => import('./modules/workspaces/OnboardingPage'), 'OnboardingPage') });
const mailboxRoute = createRoute({ getParentRoute: () => rootRoute, path: '/dev/mailbox', component: lazyRouteComponent(() => import('./modules/dev/MailboxPage'), 'MailboxPage') });

const workspaceRoute = createRoute({ getParentRoute: () => rootRoute, path: '/w/$workspaceId', beforeLoad: requireUser, component: lazyRouteComponent(() => import('./modules/workspaces/AppShell'), 'AppShell') });
const homeRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/', component: lazyRouteComponent(() => import('./modules/workspaces/HomePage'), 'HomePage') });
// CONV-4: the shared inbox; ?c= is the open conversation.
const inboxRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/inbox',
  validateSearch: (search: Search): { c?: string } => {
    const c = text(search.c);
    return { c: c && uuidPattern.test(c) ? c : undefined };
  },
  component: lazyRouteComponent(() => import('./modules/conversations/InboxPage'), 'InboxPage'),
});
const channelsRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/channels', component: lazyRouteComponent(() => import('./modules/conversations/ChannelsSettings'), 'ChannelsSettings') });
const savedRepliesRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/saved-replies', component: lazyRouteComponent(() => import('./modules/conversations/SavedRepliesSettings'), 'SavedRepliesSettings') });
const websiteAssistantRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/website-assistant', component: lazyRouteComponent(() => import('./modules/conversations/WebsiteAssistantSettings'), 'WebsiteAssistantSettings') });
const bookingRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/booking', component: lazyRouteComponent(() => import('./modules/booking/BookingPage'), 'BookingPage') });
// BOOK-1/4: public, no sign-in.
const publicBookingRoute = createRoute({ getParentRoute: () => rootRoute, path: '/book/$workspaceId/$slug', component: lazyRouteComponent(() => import('./modules/booking/PublicBookingPage'), 'PublicBookingPage') });
const teamBookingRoute = createRoute({ getParentRoute: () => rootRoute, path: '/book/$workspaceId', component: lazyRouteComponent(() => import('./modules/booking/TeamBookingPage'), 'TeamBookingPage') });
const manageBookingRoute = createRoute({ getParentRoute: () => rootRoute, path: '/book/manage/$token', component: lazyRouteComponent(() => import('./modules/booking/ManageBookingPage'), 'ManageBookingPage') });
// CALL-1…CALL-3: today's call list and the do-not-call list.
const callsRoutes = [
  createRoute({ getParentRoute: () => workspaceRoute, path: '/calls', component: lazyRouteComponent(() => import('./modules/calls/CallListPage'), 'CallListPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/calls/do-not-call', component: lazyRouteComponent(() => import('./modules/calls/DoNotCallPage'), 'DoNotCallPage') }),
  // MAIL-2, MAIL-3: campaigns.
  createRoute({ getParentRoute: () => workspaceRoute, path: '/campaigns', component: lazyRouteComponent(() => import('./modules/outreach/CampaignsPage'), 'CampaignsPage') }),
  // MAIL-2: sequences.
  createRoute({ getParentRoute: () => workspaceRoute, path: '/sequences', component: lazyRouteComponent(() => import('./modules/outreach/SequencesPage'), 'SequencesPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/templates', component: lazyRouteComponent(() => import('./modules/outreach/TemplatesPage'), 'TemplatesPage') }),
];
// MAIL-4: the footer link of a marketing email; public, no sign-in.
// PRIV-9: a workspace's public privacy page (linked from the widget and the booking page).
const operatorPrivacyRoute = createRoute({ getParentRoute: () => rootRoute, path: '/privacy', component: lazyRouteComponent(() => import('./modules/privacy/OperatorPrivacyPage'), 'OperatorPrivacyPage') });
const privacyPageRoute = createRoute({ getParentRoute: () => rootRoute, path: '/privacy/$workspaceId', component: lazyRouteComponent(() => import('./modules/privacy/PrivacyPage'), 'PrivacyPage') });
const optInRoute = createRoute({ getParentRoute: () => rootRoute, path: '/opt-in/$token', component: lazyRouteComponent(() => import('./modules/outreach/OptInPage'), 'OptInPage') });
const unsubscribeRoute = createRoute({ getParentRoute: () => rootRoute, path: '/unsubscribe/$token', component: lazyRouteComponent(() => import('./modules/outreach/UnsubscribePage'), 'UnsubscribePage') });
const tasksRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/tasks', component: lazyRouteComponent(() => import('./modules/activities/MyTasksPage'), 'MyTasksPage') });
const importRoutes = [
  createRoute({ getParentRoute: () => workspaceRoute, path: '/import', component: lazyRouteComponent(() => import('./modules/imports/ImportPage'), 'ImportPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/import/$importId', component: lazyRouteComponent(() => import('./modules/imports/ImportDetailPage'), 'ImportDetailPage') }),
];
// CRM records (H4): record pages and the deals board; '/deals/board' outranks '/deals/$dealId' as a static segment.
const contactRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/contacts/$contactId', component: lazyRouteComponent(() => import('./modules/crm/ContactPage'), 'ContactPage') });
const companyRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/companies/$companyId', component: lazyRouteComponent(() => import('./modules/crm/CompanyPage'), 'CompanyPage') });
const dealRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/deals/$dealId', component: lazyRouteComponent(() => import('./modules/crm/DealPage'), 'DealPage') });
const dealsBoardRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/deals/board',
  validateSearch: (search: Search): { pipeline?: string } => ({ pipeline: text(search.pipeline, 64) }),
  component: lazyRouteComponent(() => import('./modules/crm/DealsBoard'), 'DealsBoard'),
});
const crmRecordRoutes = [contactRoute, companyRoute, dealRoute, dealsBoardRoute] as const;
// CRM-6 list (table) pages (H2).
// `?view=<id>`: the saved view being looked at, so a reload (or a shared link) keeps it.
const viewSearch = (search: Search): { view?: string } => {
  const view = text(search.view);
  return { view: view && uuidPattern.test(view) ? view : undefined };
};
const viewListRoutes = [
  createRoute({ getParentRoute: () => workspaceRoute, path: '/contacts', validateSearch: viewSearch, component: lazyRouteComponent(() => import('./modules/views/RecordsPage'), 'ContactsListPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/companies', validateSearch: viewSearch, component: lazyRouteComponent(() => import('./modules/views/RecordsPage'), 'CompaniesListPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/deals', validateSearch: viewSearch, component: lazyRouteComponent(() => import('./modules/views/RecordsPage'), 'DealsListPage') }),
] as const;
// INV-1…INV-4: invoices, products and stock, GST reports, invoicing settings. Static segments outrank '$documentId'.
const invoiceEditorSearch = (search: Search): { creditFor?: string; fromQuote?: string; type?: 'invoice' | 'quote' | 'credit_note' } => {
  const id = (v: unknown) => { const t = text(v); return t && uuidPattern.test(t) ? t : undefined; };
  const type = text(search.type);
  return { creditFor: id(search.creditFor), fromQuote: id(search.fromQuote), type: type === 'invoice' || type === 'quote' || type === 'credit_note' ? type : undefined };
};
const invoicingRoutes = [
  createRoute({ getParentRoute: () => workspaceRoute, path: '/invoices', component: lazyRouteComponent(() => import('./modules/invoicing/InvoicesPage'), 'InvoicesPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/invoices/new', validateSearch: invoiceEditorSearch, component: lazyRouteComponent(() => import('./modules/invoicing/DocumentEditorPage'), 'DocumentEditorPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/invoices/products', component: lazyRouteComponent(() => import('./modules/invoicing/ProductsPage'), 'ProductsPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/invoices/settings', component: lazyRouteComponent(() => import('./modules/invoicing/InvoicingSettingsPage'), 'InvoicingSettingsPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/invoices/expenses', component: lazyRouteComponent(() => import('./modules/invoicing/ExpensesPage'), 'ExpensesPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/invoices/reports', component: lazyRouteComponent(() => import('./modules/invoicing/ReportsPage'), 'ReportsPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/invoices/$documentId', component: lazyRouteComponent(() => import('./modules/invoicing/DocumentPage'), 'DocumentPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/invoices/$documentId/edit', component: lazyRouteComponent(() => import('./modules/invoicing/DocumentEditorPage'), 'DocumentEditorPage') }),
] as const;
const settingsRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/settings', component: lazyRouteComponent(() => import('./modules/settings/SettingsLayout'), 'SettingsLayout') });
const settingsIndexRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/',
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/w/$workspaceId/settings/profile', params, replace: true });
  },
});
const profileRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/profile', component: lazyRouteComponent(() => import('./modules/settings/ProfileSettings'), 'ProfileSettings') });
const sessionsRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/sessions', component: lazyRouteComponent(() => import('./modules/settings/SessionsSettings'), 'SessionsSettings') });
const teamRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/team', component: lazyRouteComponent(() => import('./modules/settings/TeamSettings'), 'TeamSettings') });
const businessRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/business', component: lazyRouteComponent(() => import('./modules/settings/BusinessSettings'), 'BusinessSettings') });
const incidentsRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/incidents', component: lazyRouteComponent(() => import('./modules/incidents/IncidentsPage'), 'IncidentsPage') });
const dataRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/data', component: lazyRouteComponent(() => import('./modules/privacy/DataSettings'), 'DataSettings') });
const auditRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/audit', component: lazyRouteComponent(() => import('./modules/audit/AuditLogPage'), 'AuditLogPage') });
const pipelinesSettingsRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/pipelines', component: lazyRouteComponent(() => import('./modules/crm/settings/PipelinesSettings'), 'PipelinesSettings') });
const customFieldsSettingsRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/custom-fields', component: lazyRouteComponent(() => import('./modules/crm/settings/CustomFieldsSettings'), 'CustomFieldsSettings') });
const tagsSettingsRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/tags', component: lazyRouteComponent(() => import('./modules/crm/settings/TagsSettings'), 'TagsSettings') });
const scoringSettingsRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/scoring', component: lazyRouteComponent(() => import('./modules/rules/ScoringSettings'), 'ScoringSettings') });
const territorySettingsRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/territories', component: lazyRouteComponent(() => import('./modules/rules/TerritorySettings'), 'TerritorySettings') });
const accessSettingsRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/access', component: lazyRouteComponent(() => import('./modules/rules/RecordAccessSettings'), 'RecordAccessSettings') });
const crmSettingsRoutes = [pipelinesSettingsRoute, customFieldsSettingsRoute, tagsSettingsRoute, scoringSettingsRoute, territorySettingsRoute, accessSettingsRoute] as const;
// BILL-1…BILL-3: plan, usage, credits and invoices (only when the server has billing on).
const sendingAccountsRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/sending-accounts', component: lazyRouteComponent(() => import('./modules/outreach/SendingAccountsPage'), 'SendingAccountsPage') });
const billingRoute = createRoute({ getParentRoute: () => settingsRoute, path: '/billing', validateSearch: (s: Record<string, unknown>): { checkout?: string } => (typeof s.checkout === 'string' ? { checkout: s.checkout.slice(0, 20) } : {}), component: lazyRouteComponent(() => import('./modules/billing/BillingSettings'), 'BillingSettings') });
// AI-1, AI-4, WS-5: the provider, and the record of AI calls with usage.
const aiSettingsRoutes = [
  createRoute({ getParentRoute: () => settingsRoute, path: '/ai', component: lazyRouteComponent(() => import('./modules/ai/AiSettings'), 'AiSettings') }),
  createRoute({ getParentRoute: () => settingsRoute, path: '/ai-browser', component: lazyRouteComponent(() => import('./modules/ai/browser-key/BrowserKeySettings'), 'BrowserKeySettings') }),
  createRoute({ getParentRoute: () => settingsRoute, path: '/ai-usage', component: lazyRouteComponent(() => import('./modules/ai/AiUsagePage'), 'AiUsagePage') }),
  createRoute({ getParentRoute: () => settingsRoute, path: '/ai-usage/$callId', component: lazyRouteComponent(() => import('./modules/ai/AiCallDetail'), 'AiCallDetail') }),
] as const;

// AI-2, AI-3, AI-5: the agents and their runs, the approvals inbox, and the brain ("Ask").
const aiRoutes = [
  createRoute({ getParentRoute: () => workspaceRoute, path: '/agents', component: lazyRouteComponent(() => import('./modules/agents/AgentsPage'), 'AgentsPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/agents/runs/$runId', component: lazyRouteComponent(() => import('./modules/agents/RunDetailPage'), 'RunDetailPage') }),
  createRoute({ getParentRoute: () => workspaceRoute, path: '/approvals', component: lazyRouteComponent(() => import('./modules/agents/ApprovalsPage'), 'ApprovalsPage') }),
  createRoute({
    getParentRoute: () => workspaceRoute,
    path: '/brain',
    validateSearch: (search: Search): { c?: string } => {
      const c = text(search.c);
      return { c: c && uuidPattern.test(c) ? c : undefined };
    },
    component: lazyRouteComponent(() => import('./modules/brain/BrainPage'), 'BrainPage'),
  }),
] as const;

const routeTree = rootRoute.addChildren([
  publicBookingRoute,
  teamBookingRoute,
  manageBookingRoute,
  unsubscribeRoute,
  optInRoute,
  privacyPageRoute,
  operatorPrivacyRoute,
  indexRoute,
  signInRoute,
  signUpRoute,
  googleSignUpRoute,
  forgotRoute,
  resetRoute,
  twoFactorRoute,
  inviteRoute,
  onboardingRoute,
  mailboxRoute,
  workspaceRoute.addChildren([homeRoute, inboxRoute, ...crmRecordRoutes, ...viewListRoutes, tasksRoute, ...callsRoutes, bookingRoute, ...invoicingRoutes, ...importRoutes, ...aiRoutes, settingsRoute.addChildren([settingsIndexRoute, profileRoute, sessionsRoute, teamRoute, businessRoute, auditRoute, dataRoute, incidentsRoute, websiteAssistantRoute, channelsRoute, savedRepliesRoute, ...crmSettingsRoutes, ...aiSettingsRoutes, billingRoute, sendingAccountsRoute])]),
]);

export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: 'intent',
  defaultPreloadStaleTime: 0,
  defaultPendingMs: 300,
  // A page whose code is still on its way shows this in its place (in the shell's main area for workspace pages).
  defaultPendingComponent: () => <LoadingBlock />,
  scrollRestoration: true,
});

// The router fetches a page's code after its guards ran (GET /api/auth/me first): on the first load,
// ask for the code of the pages the address matches right away, so both travel at the same time.
for (const match of router.matchRoutes(router.state.location)) {
  void router.loadRouteChunk((router.routesById as Record<string, AnyRoute>)[match.routeId]!)?.catch(() => {
    // Reported by the route itself when it renders (RouteError offers a reload).
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}

// A query answered 401 (session expired or revoked elsewhere): reload /me and go to sign-in.
handleSignedOut(() => {
  void queryClient.invalidateQueries({ queryKey: ['me'] }).then(() => {
    const { pathname, href } = router.state.location;
    if (pathname !== '/sign-in') {
      announce('Your session ended. Please sign in again.');
      void router.navigate({ to: '/sign-in', search: { redirect: href } });
    }
  });
});

function Root() {
  useFocusOnNavigation();
  return (
    <>
      <Announcer />
      <Outlet />
    </>
  );
}

/**
 * After a client-side navigation, move focus to the new page's h1 and announce it, so keyboard
 * and screen reader users start at the top of the new content (the first load keeps the default).
 * The old page can stay on screen while the new one's code loads, so it waits for an h1 other
 * than the one that was there when the navigation began.
 */
function useFocusOnNavigation() {
  useEffect(() => {
    let frame = 0;
    let previous: Element | null = null;
    const offBefore = router.subscribe('onBeforeNavigate', ({ pathChanged }) => {
      if (pathChanged) previous = document.querySelector('[data-page-heading]');
    });
    const offRendered = router.subscribe('onRendered', ({ fromLocation, pathChanged }) => {
      if (!fromLocation || !pathChanged) return;
      cancelAnimationFrame(frame);
      const until = performance.now() + 10_000;
      const focus = () => {
        const heading = document.querySelector<HTMLElement>('[data-page-heading]');
        if (heading && heading !== previous) {
          if (!heading.contains(document.activeElement)) heading.focus({ preventScroll: false });
          announce(heading.textContent ?? document.title);
        } else if (performance.now() < until) frame = requestAnimationFrame(focus);
      };
      frame = requestAnimationFrame(focus);
    });
    return () => {
      offBefore();
      offRendered();
      cancelAnimationFrame(frame);
    };
  }, []);
}

function NotFound() {
  return (
    <AuthLayout>
      <h1 tabIndex={-1} data-page-heading="" className="text-2xl font-semibold text-stone-900 focus:outline-none">
        Page not found
      </h1>
      <p className="mt-2 text-sm text-stone-600">The address may be mistyped, or the page has moved.</p>
      <Link to="/" className={`${buttonClass('primary')} mt-6`}>
        Go to Kestrel
      </Link>
    </AuthLayout>
  );
}

function RouteError({ error }: { error: unknown }) {
  return (
    <AuthLayout>
      <h1 tabIndex={-1} data-page-heading="" className="mb-4 text-2xl font-semibold text-stone-900 focus:outline-none">
        Something went wrong
      </h1>
      <ErrorAlert>{error instanceof Error && error.name === 'ApiError' ? error.message : 'This page could not be loaded. Check your connection and try again.'}</ErrorAlert>
      <button type="button" className={`${buttonClass('secondary')} mt-6`} onClick={() => window.location.reload()}>
        Reload the page
      </button>
    </AuthLayout>
  );
}

import { startFake } from '../fakes/harness';
import { FakeMeta } from '../fakes/meta';
import { startBrowserSuite } from './browser';
import { ownerWithWorkspace } from './client';

/**
 * What the browser tests of Meta's channels (WhatsApp, Messenger, Instagram) need before their
 * first test: a fake Graph API, the web build, a server that talks to the fake, an owner with a
 * workspace, and Chromium — the fake and the browser closed after the file.
 *   beforeAll(async () => (suite = await startMetaBrowserSuite('Crumb Bakery')), 300_000);
 */
export async function startMetaBrowserSuite(workspaceName: string) {
  const meta = await startFake(new FakeMeta());
  const { server, browser } = await startBrowserSuite({ WHATSAPP_GRAPH_URL: meta.url });
  const owner = await ownerWithWorkspace(server, workspaceName);
  return { meta, server, browser, owner };
}

export type MetaBrowserSuite = Awaited<ReturnType<typeof startMetaBrowserSuite>>;

import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/jobs';
import { metaAppSecretAad, metaTokenAad } from '../channel-settings';
import { metaMessagingAdapter, openMetaConnection, sendMetaMessage, type MetaPlatform } from './meta-messaging';

/**
 * CONV-6: Facebook Messenger. A Page's conversations arrive on the Messenger Platform webhook
 * (`object: "page"`, `entry[].id` is the Page) and replies leave through the Send API with the
 * Page access token, to the customer's page-scoped id (PSID).
 */
export const messenger: MetaPlatform = {
  channel: 'messenger',
  label: 'Messenger',
  webhookObject: 'page',
  maxText: 2000,
  permission: 'pages_messaging',
  settings: (row) => ({
    accountId: row.messengerPageId,
    pageId: row.messengerPageId,
    tokenSealed: row.messengerTokenSealed,
    appSecretSealed: row.messengerAppSecretSealed,
    verifyToken: row.messengerVerifyToken,
    humanAgent: row.messengerHumanAgent,
  }),
  open: (services, row) => (row ? openMetaConnection(services, messenger, row, { token: metaTokenAad(row.workspaceId, 'messenger'), appSecret: metaAppSecretAad(row.workspaceId, 'messenger') }) : null),
};

export const messengerSendJob = defineJob({
  name: 'conversations.messenger-send',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), messageId: z.uuid() }),
  maxAttempts: 8,
  async run(p, services, attempt) {
    await sendMetaMessage(services, messenger, p.workspaceId, p.messageId, attempt ?? { number: 1, max: 1 });
  },
});

export const messengerChannel = metaMessagingAdapter(messenger, messengerSendJob);

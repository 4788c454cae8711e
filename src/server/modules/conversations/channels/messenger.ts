import { metaMessagingChannel, type MetaPlatform } from './meta-messaging';

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
};

export const { adapter: messengerChannel, sendJob: messengerSendJob } = metaMessagingChannel(messenger);

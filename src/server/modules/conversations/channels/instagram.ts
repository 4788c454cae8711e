import { metaMessagingChannel, type MetaPlatform } from './meta-messaging';

/**
 * CONV-6: Instagram Direct through the Messenger Platform. Messages to an Instagram professional
 * account arrive on the webhook with `object: "instagram"` (`entry[].id` is that account), and
 * replies leave through the Send API of the Facebook Page linked to it, with that Page's access
 * token, to the customer's Instagram-scoped id (IGSID).
 */
export const instagram: MetaPlatform = {
  channel: 'instagram',
  label: 'Instagram',
  webhookObject: 'instagram',
  maxText: 1000,
  permission: 'instagram_manage_messages',
  settings: (row) => ({
    accountId: row.instagramAccountId,
    pageId: row.instagramPageId,
    tokenSealed: row.instagramTokenSealed,
    appSecretSealed: row.instagramAppSecretSealed,
    verifyToken: row.instagramVerifyToken,
    humanAgent: row.instagramHumanAgent,
  }),
};

export const { adapter: instagramChannel, sendJob: instagramSendJob } = metaMessagingChannel(instagram);

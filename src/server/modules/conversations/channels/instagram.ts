import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/jobs';
import { metaAppSecretAad, metaTokenAad } from '../channel-settings';
import { metaMessagingAdapter, openMetaConnection, sendMetaMessage, type MetaPlatform } from './meta-messaging';

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
  open: (services, row) => (row ? openMetaConnection(services, instagram, row, { token: metaTokenAad(row.workspaceId, 'instagram'), appSecret: metaAppSecretAad(row.workspaceId, 'instagram') }) : null),
};

export const instagramSendJob = defineJob({
  name: 'conversations.instagram-send',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), messageId: z.uuid() }),
  maxAttempts: 8,
  async run(p, services, attempt) {
    await sendMetaMessage(services, instagram, p.workspaceId, p.messageId, attempt ?? { number: 1, max: 1 });
  },
});

export const instagramChannel = metaMessagingAdapter(instagram, instagramSendJob);

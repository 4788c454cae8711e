import { randomBytes } from 'node:crypto';
import { eq, isNotNull, or } from 'drizzle-orm';
import type { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import type { Services } from '../../platform/services';
import { recordAudit } from '../audit';
import type { updateChannelSettingsBody } from './conversations.contract';
import { channelSettings, whatsappTemplates } from './conversations.schema';

export type ChannelSettingsRow = typeof channelSettings.$inferSelect;

export const inboundSecretAad = (workspaceId: string) => `workspace:${workspaceId}:inbound-mail-secret`;
export const waTokenAad = (workspaceId: string) => `workspace:${workspaceId}:whatsapp-token`;
export const waAppSecretAad = (workspaceId: string) => `workspace:${workspaceId}:whatsapp-app-secret`;
/** CONV-6: Messenger's and Instagram's Page access token and app secret, each sealed for its own channel. */
export const metaTokenAad = (workspaceId: string, channel: 'messenger' | 'instagram') => `workspace:${workspaceId}:${channel}-token`;
export const metaAppSecretAad = (workspaceId: string, channel: 'messenger' | 'instagram') => `workspace:${workspaceId}:${channel}-app-secret`;
export const resendKeyAad = (workspaceId: string) => `workspace:${workspaceId}:resend-inbound-key`;
export const resendSecretAad = (workspaceId: string) => `workspace:${workspaceId}:resend-inbound-secret`;

/** CONV-6: the workspace's channel settings, made on first use with a fresh inbound address and webhook secret. */
export async function ensureChannelSettings(tx: Tx, services: Services, workspaceId: string): Promise<ChannelSettingsRow> {
  const [found] = await tx.select().from(channelSettings).where(eq(channelSettings.workspaceId, workspaceId));
  if (found) return found;
  await tx
    .insert(channelSettings)
    .values({ workspaceId, inboundToken: randomBytes(9).toString('hex'), inboundSecretSealed: services.secrets.box.seal(randomBytes(24).toString('base64url'), inboundSecretAad(workspaceId)) })
    .onConflictDoNothing();
  const [row] = await tx.select().from(channelSettings).where(eq(channelSettings.workspaceId, workspaceId));
  return row!;
}

/** The address customers' mail reaches the inbox at (forward the business's own address to it). */
export const inboundAddress = (services: Services, row: Pick<ChannelSettingsRow, 'inboundToken'>) => `${row.inboundToken}@${services.config.INBOUND_MAIL_DOMAIN}`;

/** The workspace's inbound address if it has one yet (outreach's List-Unsubscribe mailto, MAIL-4), without making one. */
export async function inboundAddressOf(services: Services, tx: Tx, workspaceId: string): Promise<string | null> {
  const [row] = await tx.select({ inboundToken: channelSettings.inboundToken }).from(channelSettings).where(eq(channelSettings.workspaceId, workspaceId));
  return row ? inboundAddress(services, row) : null;
}

export function presentChannelSettings(services: Services, row: ChannelSettingsRow) {
  const base = `${services.config.publicUrl}/api/channels`;
  return {
    email: {
      inboundAddress: inboundAddress(services, row),
      webhookUrl: `${base}/email/${row.workspaceId}/inbound`,
      webhookSecret: services.secrets.box.open(row.inboundSecretSealed, inboundSecretAad(row.workspaceId)),
      smtpReceiver: services.config.INBOUND_SMTP_PORT !== undefined,
      resend: {
        webhookUrl: `${base}/email/${row.workspaceId}/resend`,
        hasApiKey: !!row.resendApiKeySealed,
        hasWebhookSecret: !!row.resendWebhookSecretSealed,
        connected: !!(row.resendApiKeySealed && row.resendWebhookSecretSealed),
      },
    },
    whatsapp: {
      connected: !!(row.waPhoneNumberId && row.waAccessTokenSealed && row.waAppSecretSealed),
      phoneNumberId: row.waPhoneNumberId,
      businessAccountId: row.waBusinessAccountId,
      hasAccessToken: !!row.waAccessTokenSealed,
      hasAppSecret: !!row.waAppSecretSealed,
      verifyToken: row.waVerifyToken,
      webhookUrl: `${base}/whatsapp/${row.workspaceId}/webhook`,
      displayPhone: row.waDisplayPhone,
      checkedAt: row.waCheckedAt?.toISOString() ?? null,
    },
    messenger: {
      connected: !!(row.messengerPageId && row.messengerTokenSealed && row.messengerAppSecretSealed),
      pageId: row.messengerPageId,
      hasPageAccessToken: !!row.messengerTokenSealed,
      hasAppSecret: !!row.messengerAppSecretSealed,
      verifyToken: row.messengerVerifyToken,
      humanAgent: row.messengerHumanAgent,
      webhookUrl: `${base}/messenger/${row.workspaceId}/webhook`,
    },
    instagram: {
      connected: !!(row.instagramAccountId && row.instagramPageId && row.instagramTokenSealed && row.instagramAppSecretSealed),
      accountId: row.instagramAccountId,
      pageId: row.instagramPageId,
      hasPageAccessToken: !!row.instagramTokenSealed,
      hasAppSecret: !!row.instagramAppSecretSealed,
      verifyToken: row.instagramVerifyToken,
      humanAgent: row.instagramHumanAgent,
      webhookUrl: `${base}/instagram/${row.workspaceId}/webhook`,
    },
  };
}

export async function getChannelSettings(services: Services, ctx: WorkspaceContext) {
  return withTenant(services.database.db, ctx, async (tx) => presentChannelSettings(services, await ensureChannelSettings(tx, services, ctx.workspaceId)));
}

/** CONV-6: the WhatsApp connection; the access token and app secret are sealed and never shown again. Audited. */
export async function updateChannelSettings(services: Services, ctx: WorkspaceContext, input: z.infer<typeof updateChannelSettingsBody>) {
  return withTenant(services.database.db, ctx, async (tx) => {
    const before = await ensureChannelSettings(tx, services, ctx.workspaceId);
    const wa = input.whatsapp;
    const changes: Partial<ChannelSettingsRow> = {};
    if (wa) {
      if (wa.phoneNumberId !== undefined) changes.waPhoneNumberId = wa.phoneNumberId;
      if (wa.businessAccountId !== undefined) changes.waBusinessAccountId = wa.businessAccountId;
      if (wa.accessToken !== undefined) changes.waAccessTokenSealed = wa.accessToken === null ? null : services.secrets.box.seal(wa.accessToken, waTokenAad(ctx.workspaceId));
      if (wa.appSecret !== undefined) changes.waAppSecretSealed = wa.appSecret === null ? null : services.secrets.box.seal(wa.appSecret, waAppSecretAad(ctx.workspaceId));
      if (wa.verifyToken !== undefined) changes.waVerifyToken = wa.verifyToken;
      if (wa.phoneNumberId !== undefined && wa.phoneNumberId !== before.waPhoneNumberId) {
        changes.waDisplayPhone = null;
        changes.waCheckedAt = null;
      }
    }
    const seal = (value: string | null, aad: string) => (value === null ? null : services.secrets.box.seal(value, aad));
    const ms = input.messenger;
    if (ms) {
      if (ms.pageId !== undefined) changes.messengerPageId = ms.pageId;
      if (ms.pageAccessToken !== undefined) changes.messengerTokenSealed = seal(ms.pageAccessToken, metaTokenAad(ctx.workspaceId, 'messenger'));
      if (ms.appSecret !== undefined) changes.messengerAppSecretSealed = seal(ms.appSecret, metaAppSecretAad(ctx.workspaceId, 'messenger'));
      if (ms.verifyToken !== undefined) changes.messengerVerifyToken = ms.verifyToken;
      if (ms.humanAgent !== undefined) changes.messengerHumanAgent = ms.humanAgent;
    }
    const ig = input.instagram;
    if (ig) {
      if (ig.accountId !== undefined) changes.instagramAccountId = ig.accountId;
      if (ig.pageId !== undefined) changes.instagramPageId = ig.pageId;
      if (ig.pageAccessToken !== undefined) changes.instagramTokenSealed = seal(ig.pageAccessToken, metaTokenAad(ctx.workspaceId, 'instagram'));
      if (ig.appSecret !== undefined) changes.instagramAppSecretSealed = seal(ig.appSecret, metaAppSecretAad(ctx.workspaceId, 'instagram'));
      if (ig.verifyToken !== undefined) changes.instagramVerifyToken = ig.verifyToken;
      if (ig.humanAgent !== undefined) changes.instagramHumanAgent = ig.humanAgent;
    }
    const rs = input.resend;
    if (rs?.apiKey !== undefined) changes.resendApiKeySealed = rs.apiKey === null ? null : services.secrets.box.seal(rs.apiKey, resendKeyAad(ctx.workspaceId));
    if (rs?.webhookSecret !== undefined) changes.resendWebhookSecretSealed = rs.webhookSecret === null ? null : services.secrets.box.seal(rs.webhookSecret, resendSecretAad(ctx.workspaceId));
    if (input.rotateInboundAddress) {
      changes.inboundToken = randomBytes(9).toString('hex');
      changes.inboundSecretSealed = services.secrets.box.seal(randomBytes(24).toString('base64url'), inboundSecretAad(ctx.workspaceId));
    }
    const [row] = await tx.update(channelSettings).set({ ...changes, updatedAt: new Date() }).where(eq(channelSettings.workspaceId, ctx.workspaceId)).returning();
    if (wa?.businessAccountId !== undefined && wa.businessAccountId !== before.waBusinessAccountId) await tx.delete(whatsappTemplates).where(eq(whatsappTemplates.workspaceId, ctx.workspaceId));
    await recordAudit(tx, ctx, {
      action: 'channels.settings_changed',
      targetType: 'workspace',
      targetId: ctx.workspaceId,
      details: { fields: [...Object.keys(wa ?? {}), ...Object.keys(ms ?? {}).map((k) => `messenger.${k}`), ...Object.keys(ig ?? {}).map((k) => `instagram.${k}`), ...Object.keys(rs ?? {}).map((k) => `resend.${k}`), ...(input.rotateInboundAddress ? ['inboundAddress'] : [])] },
    });
    return presentChannelSettings(services, row!);
  });
}

/** The channels Settings → Channels can disconnect in one step. */
export type DisconnectableChannel = 'whatsapp' | 'messenger' | 'instagram';

const cleared: Record<DisconnectableChannel, Partial<ChannelSettingsRow>> = {
  whatsapp: { waPhoneNumberId: null, waBusinessAccountId: null, waAccessTokenSealed: null, waAppSecretSealed: null, waVerifyToken: null, waDisplayPhone: null, waCheckedAt: null },
  messenger: { messengerPageId: null, messengerTokenSealed: null, messengerAppSecretSealed: null, messengerVerifyToken: null, messengerHumanAgent: false },
  instagram: { instagramAccountId: null, instagramPageId: null, instagramTokenSealed: null, instagramAppSecretSealed: null, instagramVerifyToken: null, instagramHumanAgent: false },
};

/**
 * CONV-6: disconnects WhatsApp, Messenger or Instagram in one step: the ids, the verify token and
 * the sealed token and app secret are deleted (not flagged), and WhatsApp's synced templates go,
 * so the webhook refuses that number's or Page's calls from now on (no secret to check them with)
 * and no reply can leave. Conversations already in the inbox stay. Audited.
 */
export async function disconnectChannel(services: Services, ctx: WorkspaceContext, channel: DisconnectableChannel) {
  return withTenant(services.database.db, ctx, async (tx) => {
    await ensureChannelSettings(tx, services, ctx.workspaceId);
    const [row] = await tx.update(channelSettings).set({ ...cleared[channel], updatedAt: new Date() }).where(eq(channelSettings.workspaceId, ctx.workspaceId)).returning();
    if (channel === 'whatsapp') await tx.delete(whatsappTemplates).where(eq(whatsappTemplates.workspaceId, ctx.workspaceId));
    await recordAudit(tx, ctx, { action: 'channels.disconnected', targetType: 'workspace', targetId: ctx.workspaceId, details: { channel } });
    return presentChannelSettings(services, row!);
  });
}

/** PRIV-9: whether the workspace has connected WhatsApp Business (so Meta processes its messages). */
/** PRIV-9: whether any workspace of the installation has WhatsApp connected (read with the owner connection, across workspaces). */
export async function whatsappConnectedAnywhere(system: Pick<Tx, 'select'>): Promise<boolean> {
  const [row] = await system.select({ phone: channelSettings.waPhoneNumberId }).from(channelSettings).where(isNotNull(channelSettings.waPhoneNumberId)).limit(1);
  return Boolean(row?.phone);
}

export async function whatsappConnected(tx: Tx, workspaceId: string): Promise<boolean> {
  const [row] = await tx.select({ phone: channelSettings.waPhoneNumberId }).from(channelSettings).where(eq(channelSettings.workspaceId, workspaceId));
  return Boolean(row?.phone);
}

/** PRIV-9: whether the workspace has connected Messenger or Instagram (so Meta carries those messages). */
export async function metaMessagingConnected(tx: Pick<Tx, 'select'>, workspaceId: string): Promise<boolean> {
  const [row] = await tx.select({ messenger: channelSettings.messengerPageId, instagram: channelSettings.instagramAccountId }).from(channelSettings).where(eq(channelSettings.workspaceId, workspaceId));
  return Boolean(row?.messenger || row?.instagram);
}

/** PRIV-9: whether any workspace of the installation has Messenger or Instagram connected (read with the owner connection). */
export async function metaMessagingConnectedAnywhere(system: Pick<Tx, 'select'>): Promise<boolean> {
  const [row] = await system.select({ id: channelSettings.workspaceId }).from(channelSettings).where(or(isNotNull(channelSettings.messengerPageId), isNotNull(channelSettings.instagramAccountId))).limit(1);
  return Boolean(row);
}

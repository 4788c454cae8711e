import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { z } from 'zod';
import type { cannedReplySchema, channelSettingsSchema, conversationDetail, updateChannelSettingsBody, whatsappCheck, inboxList, knowledgeEntrySchema, knowledgeList, staffMessage, unreadCounts, updateConversationBody, updateWidgetSettingsBody, widgetSettingsSchema } from '../../../server/modules/conversations/conversations.contract';
import { api } from '../../lib/api';

export type InboxList = z.infer<typeof inboxList>;
export type ConversationDetail = z.infer<typeof conversationDetail>;
export type StaffMessage = z.infer<typeof staffMessage>;
export type UnreadCounts = z.infer<typeof unreadCounts>;
export type WidgetSettings = z.infer<typeof widgetSettingsSchema>;
export type KnowledgeEntry = z.infer<typeof knowledgeEntrySchema>;
export type CannedReply = z.infer<typeof cannedReplySchema>;
export type InboxView = 'all' | 'mine' | 'unassigned';
export type ChannelSettings = z.infer<typeof channelSettingsSchema>;
export type WhatsappCheck = z.infer<typeof whatsappCheck>;
export type TemplateChoice = { name: string; language: string; params: string[] };

const base = (w: string) => `/api/workspaces/${encodeURIComponent(w)}`;
export const inboxKeys = { all: (w: string) => ['inbox', w] as const };

export const fetchInbox = (w: string, q: { view: InboxView; status?: string | undefined; channel?: string | undefined }) => api.get<InboxList>(`${base(w)}/conversations`, { query: q });
export const fetchConversation = (w: string, id: string) => api.get<ConversationDetail>(`${base(w)}/conversations/${id}`);
export const fetchUnread = (w: string) => api.get<UnreadCounts>(`${base(w)}/conversations/unread`);
export const joinConversation = (w: string, id: string) => api.post<ConversationDetail>(`${base(w)}/conversations/${id}/join`);
export const returnConversation = (w: string, id: string) => api.post<ConversationDetail>(`${base(w)}/conversations/${id}/return`);
export const postMessage = (w: string, id: string, kind: 'reply' | 'note', body: string, template?: TemplateChoice) =>
  api.post<StaffMessage>(`${base(w)}/conversations/${id}/messages`, { kind, body, ...(template ? { template } : {}) });
/** CONV-6: a WhatsApp photo or document, fetched from WhatsApp when opened. */
/** CONV-6: send again a reply the channel could not deliver. */
export const retryMessage = (w: string, conversationId: string, messageId: string) => api.post<StaffMessage>(`${base(w)}/conversations/${conversationId}/messages/${messageId}/retry`);
export const mediaUrl = (w: string, conversationId: string, messageId: string) => `${base(w)}/conversations/${conversationId}/messages/${messageId}/media`;
export const fetchChannelSettings = (w: string) => api.get<ChannelSettings>(`${base(w)}/channel-settings`);
export const saveChannelSettings = (w: string, body: z.input<typeof updateChannelSettingsBody>) => api.patch<ChannelSettings>(`${base(w)}/channel-settings`, body);
/** CONV-6: WhatsApp, Messenger or Instagram disconnected: its ids and sealed secrets deleted. */
export const disconnectChannel = (w: string, channel: 'whatsapp' | 'messenger' | 'instagram') => api.delete(`${base(w)}/channel-settings/${channel}`);
export const checkWhatsapp = (w: string) => api.post<WhatsappCheck>(`${base(w)}/channel-settings/whatsapp/check`);
export const updateConversation = (w: string, id: string, body: z.input<typeof updateConversationBody>) => api.patch<ConversationDetail>(`${base(w)}/conversations/${id}`, body);
export const eraseConversation = (w: string, id: string) => api.post<ConversationDetail>(`${base(w)}/conversations/${id}/erase`);
export const fetchCanned = (w: string) => api.get<{ items: CannedReply[] }>(`${base(w)}/canned-replies`);
export const createCanned = (w: string, body: { shortcut: string; body: string }) => api.post<CannedReply>(`${base(w)}/canned-replies`, body);
export const removeCanned = (w: string, id: string) => api.delete(`${base(w)}/canned-replies/${id}`);

export const fetchWidgetSettings = (w: string) => api.get<WidgetSettings>(`${base(w)}/widget-settings`);
export const saveWidgetSettings = (w: string, body: z.input<typeof updateWidgetSettingsBody>) => api.patch<WidgetSettings>(`${base(w)}/widget-settings`, body);
export const fetchKnowledge = (w: string) => api.get<z.infer<typeof knowledgeList>>(`${base(w)}/knowledge`);
export const addKnowledge = (w: string, body: { kind: 'faq' | 'page'; title: string; body: string; url?: string | null }) => api.post<KnowledgeEntry>(`${base(w)}/knowledge`, body);
export const fetchKnowledgePage = (w: string, url: string) => api.post<KnowledgeEntry>(`${base(w)}/knowledge/fetch`, { url });
export const removeKnowledge = (w: string, id: string) => api.delete(`${base(w)}/knowledge/${id}`);

/** CONV-4: unread visitor messages, for the nav badge; kept live by `useInboxLive`. */
export function useUnread(workspaceId: string, enabled: boolean) {
  return useQuery({ queryKey: [...inboxKeys.all(workspaceId), 'unread'], queryFn: () => fetchUnread(workspaceId), enabled, staleTime: 30_000 });
}

/** A busy inbox's changes read again at most this often (the first at once, the rest of a burst together). */
const LIVE_REFRESH_MS = 400;

/**
 * CONV-4: live inbox. The server's stream says only which conversation changed (from any app
 * instance); the inbox queries are read again: the first change at once, a burst of changes (a
 * busy workspace, many visitors typing) once more at the end of it rather than once per change in
 * every open browser. EventSource reconnects by itself.
 */
export function useInboxLive(workspaceId: string, enabled: boolean) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(`${base(workspaceId)}/conversations/live`);
    let last = 0;
    let trailing: ReturnType<typeof setTimeout> | null = null;
    const read = () => {
      last = Date.now();
      trailing = null;
      void queryClient.invalidateQueries({ queryKey: inboxKeys.all(workspaceId) });
    };
    const refresh = () => {
      if (trailing) return;
      const wait = last + LIVE_REFRESH_MS - Date.now();
      if (wait <= 0) read();
      else trailing = setTimeout(read, wait);
    };
    source.addEventListener('change', refresh);
    source.addEventListener('open', refresh);
    return () => {
      if (trailing) clearTimeout(trailing);
      source.close();
    };
  }, [workspaceId, enabled, queryClient]);
}

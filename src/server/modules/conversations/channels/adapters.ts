import type { ConversationRow } from '../conversation-rows';
import type { ChannelAdapter } from './channel';
import { emailChannel } from './email';
import { instagramChannel } from './instagram';
import { messengerChannel } from './messenger';
import { webChannel } from './web';
import { whatsappChannel } from './whatsapp';

/** CONV-6: the adapter of each channel a conversation can be on. */
export const channelAdapters: Record<ConversationRow['channel'], ChannelAdapter> = { web: webChannel, email: emailChannel, whatsapp: whatsappChannel, messenger: messengerChannel, instagram: instagramChannel };

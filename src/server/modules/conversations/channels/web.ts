import type { ChannelAdapter } from './channel';

/** CONV-6: the website widget. Replies are delivered by the visitor's live stream (LISTEN/NOTIFY → SSE). */
export const webChannel: ChannelAdapter = {
  name: 'web',
  initialStatus: null,
  async canSend() {
    return { ok: true };
  },
};

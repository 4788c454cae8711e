import { scheduleAwayMail } from '../away-mail';
import type { ChannelAdapter } from './channel';

/**
 * CONV-6: the website widget. Replies are delivered by the visitor's live stream (LISTEN/NOTIFY →
 * SSE); to a visitor who is not connected they are also emailed, after a short grace (away-mail).
 */
export const webChannel: ChannelAdapter = {
  name: 'web',
  initialStatus: null,
  async canSend() {
    return { ok: true };
  },
  async enqueue(tx, _services, conv) {
    await scheduleAwayMail(tx, conv);
  },
  // Scheduling the email changes nothing on the reply (the job marks it once sent).
  enqueueKeepsMessage: true,
};

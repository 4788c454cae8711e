import { useEffect, useState } from 'react';
import type { ConversationDetail, StaffMessage } from './api';

type Channel = ConversationDetail['conversation']['channel'];
export const channelLabel: Record<Channel, string> = { web: 'Website chat', email: 'Email', whatsapp: 'WhatsApp', messenger: 'Messenger', instagram: 'Instagram' };

const channelColour: Record<Channel, string> = { web: 'text-stone-500', email: 'text-sky-700', whatsapp: 'text-emerald-700', messenger: 'text-blue-700', instagram: 'text-pink-700' };

/** Who a conversation is with when they gave no name (Messenger and Instagram never name the sender). */
export const visitorFallback = (channel: Channel) => (channel === 'web' ? 'Website visitor' : `${channelLabel[channel]} customer`);

/** CONV-6: which channel a conversation came in on, as a small icon with its name for screen readers. */
export function ChannelIcon({ channel, className = '' }: { channel: Channel; className?: string }) {
  const common = { width: 16, height: 16, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 2, strokeLinecap: 'round' as const, strokeLinejoin: 'round' as const, 'aria-hidden': true };
  return (
    <span role="img" aria-label={channelLabel[channel]} title={channelLabel[channel]} className={`inline-flex shrink-0 ${channelColour[channel]} ${className}`}>
      {channel === 'email' ? (
        <svg {...common}>
          <rect x="3" y="5" width="18" height="14" rx="2" />
          <path d="m3 7 9 6 9-6" />
        </svg>
      ) : channel === 'whatsapp' ? (
        <svg {...common}>
          <path d="M3 21l1.7-5A8.5 8.5 0 1 1 8 19.3Z" />
          <path d="M9 9.5c0 3 2.5 5.5 5.5 5.5l1-1.5-2-1-1 1c-1 0-2.5-1.5-2.5-2.5l1-1-1-2Z" />
        </svg>
      ) : channel === 'messenger' ? (
        <svg {...common}>
          <path d="M12 3C7 3 3 6.7 3 11.3c0 2.6 1.3 4.9 3.3 6.4V21l3-1.7c.9.3 1.8.4 2.7.4 5 0 9-3.7 9-8.4S17 3 12 3Z" />
          <path d="m7.5 13.5 3-3.2 2 2 3.5-2.3-3 3.2-2-2Z" />
        </svg>
      ) : channel === 'instagram' ? (
        <svg {...common}>
          <rect x="3" y="3" width="18" height="18" rx="5" />
          <circle cx="12" cy="12" r="4" />
          <path d="M17.5 6.5h.01" />
        </svg>
      ) : (
        <svg {...common}>
          <circle cx="12" cy="12" r="9" />
          <path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18" />
        </svg>
      )}
    </span>
  );
}

const statusText: Record<NonNullable<StaffMessage['deliveryStatus']>, string> = { queued: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not delivered' };

/** AI-5: a message an agent wrote, approved by a person or sent on the agent's autopilot. */
const agentNote = (m: StaffMessage) => {
  const a = m.meta.agent;
  if (!a) return '';
  const name = a.name.charAt(0).toUpperCase() + a.name.slice(1);
  return a.autopilot ? `Written by ${name} on autopilot · ` : `Written by ${name}, approved · `;
};

/** CONV-6: where an outbound email/WhatsApp message stands; a failure says why. */
export function DeliveryStatus({ m, onRetry }: { m: StaffMessage; onRetry?: (() => void) | null }) {
  if (!m.deliveryStatus) return null;
  if (m.deliveryStatus === 'failed')
    return (
      <span className="mt-1 block text-xs font-semibold text-red-700">
        {agentNote(m)}Not delivered{m.meta.error ? `: ${m.meta.error}` : ''}
        {onRetry !== undefined && m.author === 'staff' && !m.meta.bounce ? (
          <button type="button" onClick={onRetry ?? undefined} disabled={!onRetry} className="ml-2 rounded border border-red-300 bg-white px-2 py-0.5 font-semibold text-red-800 hover:bg-red-50 disabled:opacity-50">
            Retry
          </button>
        ) : null}
      </span>
    );
  return <span className="mt-1 block text-right text-xs text-stone-500">{agentNote(m)}{statusText[m.deliveryStatus]}</span>;
}

/** Re-renders every `ms` so a countdown stays current. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function remaining(until: number, now: number): string {
  const mins = Math.max(0, Math.floor((until - now) / 60_000));
  const h = Math.floor(mins / 60);
  return h ? `${h} h ${mins % 60} min` : `${mins} min`;
}

type Away = NonNullable<ConversationDetail['away']>;
const notMailedText: Record<NonNullable<Away['notMailedBecause']>, string> = {
  no_email: 'left no email',
  suppressed: 'their address is on the suppression list (unsubscribed or bounced), so it is not emailed',
  erased: 'their address was erased at their request, so it is not emailed',
  restricted: 'their contact is restricted, so it is not emailed',
};

/**
 * CONV-1, CONV-6: in a web chat, whether the visitor is still there; if not, whether a reply also
 * reaches them by email (to the address they left, masked) or only when they come back.
 */
export function AwayNotice({ away, name }: { away: Away; name: string | null }) {
  const who = name?.trim().split(/\s+/)[0] || 'The visitor';
  if (away.connected)
    return (
      <p className="mb-2 flex items-center gap-2 text-sm text-stone-600" role="status">
        <span aria-hidden className="inline-block h-2 w-2 rounded-full bg-emerald-600" />
        {who} is in the chat now.
      </p>
    );
  const why = away.notMailedBecause;
  return (
    <p className={`mb-2 text-sm ${why ? 'font-medium text-amber-900' : 'text-stone-700'}`} role="status">
      {why === null
        ? `${who} left the chat — your reply will also be emailed to ${away.emailTo} (a minute or so after you send it; replies sent meanwhile go in one email).`
        : why === 'no_email'
          ? `${who} left the chat and left no email: they will see your reply if they come back.`
          : `${who} left the chat; ${notMailedText[why]}: they will see your reply if they come back.`}
    </p>
  );
}

const notEmailedShort: Record<NonNullable<Away['notMailedBecause']>, string> = { no_email: 'no email address', suppressed: 'the address is suppressed', erased: 'the address was erased', restricted: 'the contact is restricted' };
const emailedText = { queued: 'Emailing', sent: 'Emailed', failed: 'Email not delivered' } as const;

/** CONV-6: a web chat reply that was emailed to a visitor who had left (or why it was not); a visitor's answer that came by email. */
export function EmailedNote({ m }: { m: StaffMessage }) {
  if (m.meta.viaEmail) return <span className="block text-xs font-medium text-stone-500">By email</span>;
  if (m.meta.emailed)
    return (
      <span className={`mt-1 block text-right text-xs ${m.meta.emailed.status === 'failed' ? 'font-semibold text-red-700' : 'text-stone-500'}`}>
        {emailedText[m.meta.emailed.status]} to {m.meta.emailed.to}
        {m.meta.emailed.error ? `: ${m.meta.emailed.error}` : ''}
      </span>
    );
  if (m.meta.notEmailed) return <span className="mt-1 block text-right text-xs text-amber-900">Not emailed: {notEmailedShort[m.meta.notEmailed]}</span>;
  return null;
}

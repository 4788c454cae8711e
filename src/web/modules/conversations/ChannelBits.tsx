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

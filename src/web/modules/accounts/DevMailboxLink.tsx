import { useQuery } from '@tanstack/react-query';
import { fetchMailboxStatus } from '../dev/api';
import { linkClass } from '../../ui/links';

/**
 * Outside production the server keeps a copy of every email it sends; point to it from the
 * screens that say "check your email". The link appears when the mailbox answers or would answer
 * its operator (SEC-1: only they may read it, and only on the server's own machine).
 */
export function DevMailboxLink() {
  const mailbox = useQuery({ queryKey: ['dev-mailbox', 'status'], queryFn: fetchMailboxStatus, retry: false, staleTime: Infinity });
  if (!mailbox.data?.available) return null;
  if (!mailbox.data.readable) {
    return (
      <p className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900">
        Running locally? The{' '}
        <a href="/dev/mailbox" target="_blank" rel="noopener" className={linkClass}>
          development mailbox
          <span className="sr-only"> (opens in a new tab)</span>
        </a>{' '}
        keeps the emails Kestrel sent, for its operator: sign in there with the demo login printed at start (in a private window if you are signing in as someone else here).
      </p>
    );
  }
  return (
    <p className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900">
      Running locally?{' '}
      <a href="/dev/mailbox" target="_blank" rel="noopener" className={linkClass}>
        Open the development mailbox
        <span className="sr-only"> (opens in a new tab)</span>
      </a>{' '}
      to read the emails Kestrel sent.
    </p>
  );
}

import { useQuery } from '@tanstack/react-query';
import { fetchMailbox } from '../dev/api';
import { linkClass } from '../../ui/links';

/**
 * Outside production the server keeps a copy of every email it sends; point to it from the
 * screens that say "check your email". The link only appears when the mailbox answers.
 */
export function DevMailboxLink() {
  const mailbox = useQuery({ queryKey: ['dev-mailbox', 'available'], queryFn: fetchMailbox, retry: false, staleTime: Infinity });
  if (!mailbox.isSuccess) return null;
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

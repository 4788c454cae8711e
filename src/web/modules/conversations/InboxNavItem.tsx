import { Link } from '@tanstack/react-router';
import { useInboxLive, useUnread } from './api';

/** CONV-4: the Inbox link with its unread badge, live. Hidden from clients, who see nothing of the inbox. */
export function InboxNavItem({ workspaceId, linkClass, team }: { workspaceId: string; linkClass: string; team: boolean }) {
  const unread = useUnread(workspaceId, team);
  useInboxLive(workspaceId, team);
  if (!team) return null;
  const n = unread.data?.total ?? 0;
  return (
    <li>
      <Link to={`/w/${workspaceId}/inbox` as '/'} className={linkClass}>
        <svg viewBox="0 0 20 20" aria-hidden="true" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round">
          <path d="M3 11l2-6h10l2 6v5H3zM3 11h4l1 2h4l1-2h4" />
        </svg>
        Inbox
        {n > 0 ? (
          <span className="ml-auto rounded-full bg-red-600 px-2 py-0.5 text-xs font-semibold text-white" aria-label={`${n} unread`}>
            {n}
          </span>
        ) : null}
      </Link>
    </li>
  );
}

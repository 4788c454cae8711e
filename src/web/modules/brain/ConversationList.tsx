import { Link } from '@tanstack/react-router';
import { errorMessage } from '../../lib/api';
import { formatRelative } from '../../lib/format';
import { buttonClass } from '../../ui/Button';
import { SkeletonList } from '../../ui/Skeleton';
import { useConversations } from './useBrain';

/** Your conversations with the brain, latest first (nobody else sees them). */
export function ConversationList({ workspaceId, currentId }: { workspaceId: string; currentId: string | undefined }) {
  const conversations = useConversations(workspaceId);
  return (
    <div className="space-y-3">
      <Link to="/w/$workspaceId/brain" params={{ workspaceId }} search={{}} activeOptions={{ exact: true }} className={`${buttonClass('secondary', 'sm')} w-full`}>
        + New question
      </Link>
      {conversations.isPending ? (
        <SkeletonList rows={3} label="Loading your conversations…" />
      ) : conversations.isError ? (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(conversations.error)}
        </p>
      ) : conversations.data.length === 0 ? (
        <p className="text-sm text-stone-600">No conversations yet. Your questions and answers are kept here, visible only to you.</p>
      ) : (
        <ul className="space-y-1">
          {conversations.data.map((c) => (
            <li key={c.id}>
              <Link
                to="/w/$workspaceId/brain"
                params={{ workspaceId }}
                search={{ c: c.id }}
                aria-current={c.id === currentId ? 'page' : undefined}
                className="block rounded-md px-3 py-2 text-sm hover:bg-stone-100 aria-[current=page]:bg-teal-50 aria-[current=page]:text-teal-900"
              >
                <span className="line-clamp-2 break-words font-medium">{c.title}</span>
                <span className="block text-xs text-stone-500">
                  <time dateTime={c.updatedAt}>{formatRelative(c.updatedAt)}</time>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

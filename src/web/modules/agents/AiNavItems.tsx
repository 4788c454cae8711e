import { NavItem } from '../workspaces/NavItem';
import { useAiRole, usePendingCount } from './useAgents';

/** The side navigation's AI entries: Agents, Approvals (with what waits) and Ask. Clients have no AI, so none of them. */
export function AiNavItems({ workspaceId }: { workspaceId: string }) {
  const { hasAi } = useAiRole(workspaceId);
  const pending = usePendingCount(workspaceId, hasAi);
  if (!hasAi) return null;
  const count = pending.data ?? 0;
  return (
    <>
      <NavItem
        workspaceId={workspaceId}
        path="/agents"
        label="Agents"
        icon={
          <>
            <rect x="4" y="6" width="12" height="10" rx="2" />
            <path d="M10 3v3M7.5 11h.01M12.5 11h.01M8 14h4" />
          </>
        }
      />
      <NavItem
        workspaceId={workspaceId}
        path="/approvals"
        label="Approvals"
        icon={<path d="M3 11l3-7h8l3 7v5H3zM3 11h4l1 2h4l1-2h4" />}
        badge={
          count > 0 ? (
            <span className="ml-auto rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900 tabular-nums">
              {count > 99 ? '99+' : count}
              <span className="sr-only"> waiting</span>
            </span>
          ) : null
        }
      />
      <NavItem
        workspaceId={workspaceId}
        path="/brain"
        label="Ask"
        icon={
          <>
            <path d="M4 5h12v8H9l-4 3v-3H4z" />
            <path d="M8.5 8a1.5 1.5 0 1 1 2 1.4c-.4.2-.5.4-.5.8" />
          </>
        }
      />
    </>
  );
}

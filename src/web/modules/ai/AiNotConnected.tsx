import { Link } from '@tanstack/react-router';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { useAiStatus } from './useAi';

/**
 * AI-8: whether AI can work here, known before anyone tries. `ready` is false while the status
 * loads and when no provider is connected.
 */
export function useAiReady(workspaceId: string, enabled = true) {
  const status = useAiStatus(workspaceId, enabled);
  return { ready: status.data?.configured === true, notConnected: status.data?.configured === false, status };
}

/** The note every AI surface shows when no provider is connected, with the way to connect one. */
export function AiNotConnected({ workspaceId, message, className = '', browserKeyWorks = false }: { workspaceId: string; message?: string | undefined; className?: string; browserKeyWorks?: boolean }) {
  const manager = isManager(useWorkspace(workspaceId).data?.role);
  // The server's message names settings and environment variables, for the API; people read this.
  const text = message && !/AI_PROVIDER/.test(message) ? message : 'Answers, drafts and agents need an AI service: OpenAI, Anthropic, Google, or one you run yourself (such as Ollama).';
  return (
    <div className={`rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 ${className}`}>
      <p className="font-medium">AI is not connected yet</p>
      <p className="mt-1">{text}</p>
      {manager ? (
        <p className="mt-2">
          <Link to="/w/$workspaceId/settings/ai" params={{ workspaceId }} className="font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
            Connect a provider in Settings → AI
          </Link>
        </p>
      ) : (
        <p className="mt-2">Ask an owner or admin of this workspace to connect one.</p>
      )}
      {browserKeyWorks ? (
        <p className="mt-2">
          Or{' '}
          <Link to="/w/$workspaceId/settings/ai-browser" params={{ workspaceId }} className="font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
            use your own key, kept only in this browser
          </Link>
          .
        </p>
      ) : null}
    </div>
  );
}

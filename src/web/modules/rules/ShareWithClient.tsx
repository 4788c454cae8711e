import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { RecordType } from '../../../server/modules/crm/crm.contract';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { inputClass } from '../../ui/Field';
import { SkeletonList } from '../../ui/Skeleton';
import { fetchMembers, workspaceKeys } from '../workspaces/api';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { rulesKeys, shareRecord, unshareRecord } from './api';
import { useShares } from './useRules';

const nouns: Record<RecordType, string> = { contacts: 'contact', companies: 'company', deals: 'deal' };

/**
 * Roles: which client members may see this record (read-only), and a control to share it with
 * another or stop sharing. Shown to owners and admins only; others see nothing.
 */
export function ShareWithClient({ workspaceId, recordType, recordId }: { workspaceId: string; recordType: RecordType; recordId: string }) {
  const workspace = useWorkspace(workspaceId);
  const manager = isManager(workspace.data?.role);
  const client = useQueryClient();
  const shares = useShares(workspaceId, recordType, recordId, manager);
  const members = useQuery({ queryKey: workspaceKeys.members(workspaceId), queryFn: () => fetchMembers(workspaceId), enabled: manager });
  const [userId, setUserId] = useState('');
  const selectId = useId();
  const headingId = useId();
  const refresh = (next?: { shares: unknown }) =>
    next ? client.setQueryData(rulesKeys.shares(workspaceId, recordType, recordId), next.shares) : client.invalidateQueries({ queryKey: rulesKeys.shares(workspaceId, recordType, recordId) });
  const share = useMutation({
    mutationFn: () => shareRecord(workspaceId, recordType, recordId, userId),
    onSuccess: (next) => {
      const person = clients.find((m) => m.userId === userId);
      announce(`Shared with ${person?.name ?? 'the client'}.`);
      setUserId('');
      refresh(next);
    },
  });
  const unshare = useMutation({
    mutationFn: (id: string) => unshareRecord(workspaceId, recordType, recordId, id),
    onSuccess: async () => {
      announce('Sharing stopped.');
      await refresh();
    },
  });

  if (!manager) return null;
  const clients = (members.data?.members ?? []).filter((m) => m.role === 'client');
  const sharedIds = new Set((shares.data ?? []).map((s) => s.userId));
  const candidates = clients.filter((m) => !sharedIds.has(m.userId));
  const noun = nouns[recordType];

  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-stone-200 bg-white p-4">
      <h2 id={headingId} className="text-sm font-semibold text-stone-900">
        Shared with clients
      </h2>
      <p className="mt-1 text-xs text-stone-500">Clients see only what is shared with them, and cannot change it.</p>
      {shares.isPending || members.isPending ? (
        <SkeletonList rows={1} label="Loading sharing…" />
      ) : shares.isError ? (
        <ErrorAlert className="mt-2">{errorMessage(shares.error)}</ErrorAlert>
      ) : (
        <>
          {shares.data.length ? (
            <ul className="mt-3 divide-y divide-stone-100" aria-label="Clients who can see this">
              {shares.data.map((s) => (
                <li key={s.userId} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                  <span className="min-w-0 truncate">
                    <span className="font-medium text-stone-900">{s.name ?? s.email}</span> <span className="text-stone-500">{s.email}</span>
                  </span>
                  <Button size="sm" variant="ghost" pending={unshare.isPending && unshare.variables === s.userId} pendingLabel="Stopping…" onClick={() => unshare.mutate(s.userId)}>
                    Stop sharing<span className="sr-only"> with {s.name ?? s.email}</span>
                  </Button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-3 text-sm text-stone-600">This {noun} is not shared with any client.</p>
          )}
          {clients.length === 0 ? (
            <p className="mt-3 text-sm text-stone-600">No client members yet. Invite someone with the Client role in Settings → Team to share records with them.</p>
          ) : candidates.length ? (
            <form
              className="mt-3 flex flex-wrap items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                if (userId) share.mutate();
              }}
            >
              <div className="min-w-48 flex-1">
                <label htmlFor={selectId} className="mb-1 block text-sm font-medium text-stone-800">
                  Share with client
                </label>
                <select id={selectId} className={inputClass} value={userId} onChange={(e) => setUserId(e.target.value)}>
                  <option value="">Choose a client…</option>
                  {candidates.map((m) => (
                    <option key={m.userId} value={m.userId}>
                      {m.name} ({m.email})
                    </option>
                  ))}
                </select>
              </div>
              <Button type="submit" size="sm" disabled={!userId} pending={share.isPending} pendingLabel="Sharing…">
                Share
              </Button>
            </form>
          ) : null}
          {share.isError ? <ErrorAlert className="mt-2">{errorMessage(share.error)}</ErrorAlert> : null}
          {unshare.isError ? <ErrorAlert className="mt-2">{errorMessage(unshare.error)}</ErrorAlert> : null}
        </>
      )}
    </section>
  );
}

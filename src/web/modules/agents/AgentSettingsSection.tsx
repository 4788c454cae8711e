import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { CheckboxField } from '../../ui/Field';
import { Card, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { agentKeys, agentLabels, agentNames, updateAgentSettings, type AgentName, type AgentSettings } from './api';
import { useAgents, useAgentSettings } from './useAgents';

/**
 * AI-5: which agents act without asking, and Strategist's weekly brief. Owners and admins
 * change it; everyone else sees how it is set.
 */
export function AgentSettingsSection({ workspaceId, readOnly }: { workspaceId: string; readOnly: boolean }) {
  const client = useQueryClient();
  const settings = useAgentSettings(workspaceId);
  const agents = useAgents(workspaceId);
  const save = useMutation({
    mutationFn: (next: AgentSettings) => updateAgentSettings(workspaceId, next),
    onSuccess: (saved, next) => {
      client.setQueryData(agentKeys.settings(workspaceId), saved);
      // Each agent's `autopilot` flag comes with the agent list.
      void client.invalidateQueries({ queryKey: agentKeys.list(workspaceId) });
      announce(describeChange(settings.data, next));
    },
    onError: (error) => announce(errorMessage(error)),
  });
  const current = save.isPending ? save.variables : settings.data;
  const toggle = (agent: AgentName, on: boolean) => {
    if (!current) return;
    const autopilot = on ? [...new Set([...current.autopilot, agent])] : current.autopilot.filter((a) => a !== agent);
    save.mutate({ ...current, autopilot: agentNames.filter((a) => autopilot.includes(a)) });
  };
  return (
    <Card labelledBy="ai-agents">
      <SectionHeading id="ai-agents" description={readOnly ? 'Only owners and admins can change these.' : 'Each agent normally proposes, and a person approves in Approvals.'}>
        Agents
      </SectionHeading>
      {settings.isPending ? (
        <SkeletonList rows={2} label="Loading agent settings…" />
      ) : settings.isError ? (
        <ErrorAlert>{errorMessage(settings.error)}</ErrorAlert>
      ) : (
        <div className="space-y-5">
          <div role="note" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
            <p className="font-semibold">Autopilot acts without asking.</p>
            <p className="mt-1">An agent on autopilot sends emails to your contacts, moves deals and creates tasks by itself, as soon as it decides to. Nobody reviews them first. Everything it does is still recorded in Approvals and the audit log.</p>
          </div>
          <fieldset className="min-w-0">
            <legend className="mb-2 text-sm font-medium text-stone-800">Autopilot</legend>
            <div className="space-y-3">
              {agentNames.map((name) => (
                <CheckboxField
                  key={name}
                  label={`${agentLabels[name]} on autopilot`}
                  hint={agents.data?.find((a) => a.name === name)?.description}
                  checked={current?.autopilot.includes(name) ?? false}
                  disabled={readOnly || save.isPending}
                  onChange={(e) => toggle(name, e.target.checked)}
                />
              ))}
            </div>
          </fieldset>
          <CheckboxField
            label="Weekly brief every Monday"
            hint="Strategist writes what changed last week and what needs attention, on Monday mornings (UTC). It appears under Agents → Recent runs."
            checked={current?.weeklyBrief ?? false}
            disabled={readOnly || save.isPending}
            onChange={(e) => current && save.mutate({ ...current, weeklyBrief: e.target.checked })}
          />
          {save.isError ? <ErrorAlert>{errorMessage(save.error)}</ErrorAlert> : null}
        </div>
      )}
    </Card>
  );
}

function describeChange(before: AgentSettings | undefined, after: AgentSettings): string {
  if (before && before.weeklyBrief !== after.weeklyBrief) return after.weeklyBrief ? 'The weekly brief is on.' : 'The weekly brief is off.';
  const added = after.autopilot.find((a) => !before?.autopilot.includes(a));
  if (added) return `${agentLabels[added]} is on autopilot: it now acts without asking.`;
  const removed = before?.autopilot.find((a) => !after.autopilot.includes(a));
  if (removed) return `${agentLabels[removed]} now asks before acting.`;
  return 'Agent settings saved.';
}

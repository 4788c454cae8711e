import { InfoNote } from '../../ui/Alert';
import { PageHeading } from '../../ui/PageHeading';

/** What a client sees at an AI address (agents, approvals, the brain): clients have no AI. */
export function NoAiAccess() {
  return (
    <div className="max-w-xl">
      <PageHeading>Not available to you</PageHeading>
      <InfoNote>AI agents and questions are for the team of this workspace. Ask an owner or admin if you think you need them.</InfoNote>
    </div>
  );
}

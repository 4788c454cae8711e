import { InfoNote } from '../../ui/Alert';

/** What a staff or client member sees on an owner/admin-only page (the server refuses anyway). */
export function Forbidden({ what }: { what: string }) {
  return (
    <InfoNote>
      <p className="font-medium text-stone-900">Only owners and admins can see {what}.</p>
      <p className="mt-1">If you need it, ask an owner of this workspace to change your role.</p>
    </InfoNote>
  );
}

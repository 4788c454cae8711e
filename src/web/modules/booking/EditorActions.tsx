import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';

/** The end of an inline booking editor: what the server refused, Save and Cancel. */
export function EditorActions({ error, fieldErrors, saveLabel, pending, onCancel }: { error: unknown; fieldErrors: Record<string, string>; saveLabel: string; pending: boolean; onCancel: () => void }) {
  const atFields = Object.keys(fieldErrors).length > 0;
  return (
    <>
      {error ? <ErrorAlert>{atFields ? 'Check the fields marked above.' : errorMessage(error)}</ErrorAlert> : null}
      <div className="flex gap-2">
        <Button type="submit" pending={pending}>
          {saveLabel}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </>
  );
}

import { useId, useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { CheckboxField, inputClass, TextField } from '../../ui/Field';
import { Dialog } from '../crm/Dialog';
import type { RecordType, SavedView, ViewDefinition } from './api';
import { useSavedViewMutations, useSavedViews } from './useViews';

/**
 * CRM-6 saved views: switch between the default table, your personal views and the shared
 * ones; save the table as it is now (personal or shared), rename, delete.
 */
export function SavedViewsBar({
  workspaceId,
  object,
  allLabel,
  current,
  activeId,
  dirty,
  canSave,
  onSwitch,
}: {
  workspaceId: string;
  object: RecordType;
  allLabel: string;
  current: ViewDefinition;
  activeId: string | null;
  dirty: boolean;
  canSave: boolean;
  onSwitch: (view: SavedView | null) => void;
}) {
  const selectId = useId();
  const list = useSavedViews(workspaceId, object);
  const { create, update, remove } = useSavedViewMutations(workspaceId, object);
  const [dialog, setDialog] = useState<null | 'save-as' | 'rename'>(null);
  const [error, setError] = useState<string | null>(null);
  const views = list.data?.views ?? [];
  const active = views.find((v) => v.id === activeId) ?? null;

  const saveChanges = () => {
    if (!active) return;
    setError(null);
    update.mutate(
      { id: active.id, definition: current },
      { onSuccess: (v) => { announce(`Saved “${v.name}”.`); onSwitch(v); }, onError: (e) => setError(errorMessage(e)) },
    );
  };
  const del = () => {
    if (!active || !window.confirm(`Delete the view “${active.name}”?${active.shared ? ' Everyone on the team will lose it.' : ''}`)) return;
    remove.mutate(active.id, { onSuccess: () => { announce('View deleted.'); onSwitch(null); }, onError: (e) => setError(errorMessage(e)) });
  };

  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor={selectId} className="sr-only">
        View
      </label>
      <select
        id={selectId}
        className={`${inputClass} !w-auto max-w-[16rem] !py-1.5 font-medium`}
        value={activeId ?? ''}
        onChange={(e) => onSwitch(views.find((v) => v.id === e.target.value) ?? null)}
      >
        <option value="">{allLabel}</option>
        {views.some((v) => !v.shared) ? (
          <optgroup label="Your views">
            {views.filter((v) => !v.shared).map((v) => (
              <option key={v.id} value={v.id}>{v.name}</option>
            ))}
          </optgroup>
        ) : null}
        {views.some((v) => v.shared) ? (
          <optgroup label="Shared with the team">
            {views.filter((v) => v.shared).map((v) => (
              <option key={v.id} value={v.id}>{v.name}</option>
            ))}
          </optgroup>
        ) : null}
      </select>
      {list.isError ? <span className="text-sm text-red-700">Saved views could not be loaded.</span> : null}
      {dirty ? <span className="text-xs text-stone-500">Edited</span> : null}
      {canSave && active?.canEdit && dirty ? (
        <Button size="sm" variant="secondary" pending={update.isPending} onClick={saveChanges}>
          Save changes
        </Button>
      ) : null}
      {canSave ? (
        <Button size="sm" variant="ghost" onClick={() => setDialog('save-as')}>
          Save as…
        </Button>
      ) : null}
      {active?.canEdit ? (
        <>
          <Button size="sm" variant="ghost" onClick={() => setDialog('rename')}>
            Rename
          </Button>
          <Button size="sm" variant="ghost" pending={remove.isPending} pendingLabel="Deleting…" onClick={del}>
            Delete
          </Button>
        </>
      ) : null}
      {error ? <ErrorAlert className="basis-full">{error}</ErrorAlert> : null}
      <SaveDialog
        open={dialog !== null}
        mode={dialog ?? 'save-as'}
        initial={dialog === 'rename' && active ? { name: active.name, shared: active.shared } : { name: '', shared: false }}
        pending={create.isPending || update.isPending}
        onClose={() => setDialog(null)}
        onSubmit={(name, shared, fail) => {
          if (dialog === 'rename' && active) {
            update.mutate({ id: active.id, name, shared }, { onSuccess: (v) => { setDialog(null); announce(`Renamed to “${v.name}”.`); onSwitch(v); }, onError: fail });
          } else {
            create.mutate({ name, shared, definition: current }, { onSuccess: (v) => { setDialog(null); announce(`Saved “${v.name}”.`); onSwitch(v); }, onError: fail });
          }
        }}
      />
    </div>
  );
}

function SaveDialog({ open, mode, initial, pending, onClose, onSubmit }: { open: boolean; mode: 'save-as' | 'rename'; initial: { name: string; shared: boolean }; pending: boolean; onClose: () => void; onSubmit: (name: string, shared: boolean, fail: (e: unknown) => void) => void }) {
  const [name, setName] = useState(initial.name);
  const [shared, setShared] = useState(initial.shared);
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | undefined>();
  const [lastOpen, setLastOpen] = useState(false);
  if (open !== lastOpen) {
    // Reset the form each time the dialog opens.
    setLastOpen(open);
    if (open) {
      setName(initial.name);
      setShared(initial.shared);
      setError(null);
      setNameError(undefined);
    }
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setNameError('Name the view.');
      return;
    }
    onSubmit(name.trim(), shared, (err) => {
      if (isApiError(err) && err.fields.name) setNameError(err.fields.name);
      else setError(errorMessage(err));
    });
  };
  return (
    <Dialog open={open} onClose={onClose} title={mode === 'rename' ? 'Rename view' : 'Save view'} description={mode === 'rename' ? undefined : 'Saves the columns, filters, sort and grouping you see now.'}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        {error ? <ErrorAlert>{error}</ErrorAlert> : null}
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={nameError} maxLength={100} autoFocus />
        <CheckboxField label="Share with the team" hint="Shared views are seen by everyone in the workspace; owners and admins can change them." checked={shared} onChange={(e) => setShared(e.target.checked)} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" pending={pending}>
            {mode === 'rename' ? 'Rename' : 'Save view'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

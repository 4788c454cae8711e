import type { FormEvent, ReactNode } from 'react';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { displayValue, sameValue, type FieldDef } from './fields';
import { FieldInput } from './FieldInput';
import { recordLabel } from './RecordPicker';
import { useOwners } from './useCrm';
import type { RecordEditor } from './useRecordEditor';

interface Versioned {
  id: string;
  version: number;
}

/** Sections of editable fields with one save bar; read-only for people who may not edit. */
export function RecordForm<R extends Versioned>({
  workspaceId,
  editor,
  sections,
  canEdit,
  what,
  children,
}: {
  workspaceId: string;
  editor: RecordEditor<R>;
  sections: { title: string; fields: FieldDef<R>[]; columns?: 1 | 2 }[];
  canEdit: boolean;
  what: string;
  children?: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (editor.dirty) editor.submit();
  };
  const all = sections.flatMap((s) => s.fields);
  return (
    <form ref={editor.formRef} onSubmit={submit} noValidate aria-label={`${what} details`} className="space-y-6">
      {editor.conflict ? <ConflictPanel workspaceId={workspaceId} editor={editor} fields={all} what={what} /> : null}
      {editor.formError && !editor.conflict ? <ErrorAlert>{editor.formError}</ErrorAlert> : null}
      {sections
        .filter((s) => s.fields.length)
        .map((section) => (
          <fieldset key={section.title} className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm sm:p-5">
            <legend className="-ml-1 px-1 text-sm font-semibold text-stone-900">{section.title}</legend>
            <div className={`grid gap-4 ${section.columns === 1 ? '' : 'sm:grid-cols-2'}`}>
              {section.fields.map((def) => (
                <div key={def.key} className={def.input === 'lines' || def.input === 'multi' || def.input === 'checkbox' ? 'sm:col-span-2' : ''}>
                  <FieldInput
                    workspaceId={workspaceId}
                    def={def as FieldDef<never>}
                    value={editor.value(def.key)}
                    onChange={(v) => editor.set(def.key, v)}
                    error={editor.errors[def.key]}
                    disabled={!canEdit || editor.saving}
                  />
                </div>
              ))}
            </div>
          </fieldset>
        ))}
      {children}
      {canEdit ? (
        <div
          className={`sticky bottom-0 z-10 -mx-4 flex flex-wrap items-center justify-end gap-3 border-t border-stone-200 bg-white/95 px-4 py-3 backdrop-blur sm:mx-0 sm:rounded-lg sm:border ${editor.dirty ? '' : 'hidden'}`}
          role="region"
          aria-label="Unsaved changes"
        >
          <p className="mr-auto text-sm text-stone-700">
            {editor.dirtyKeys.length === 1 ? '1 unsaved change' : `${editor.dirtyKeys.length} unsaved changes`}
          </p>
          <Button variant="ghost" onClick={editor.discard} disabled={editor.saving}>
            Discard
          </Button>
          <Button type="submit" pending={editor.saving} pendingLabel="Saving…">
            Save changes
          </Button>
        </div>
      ) : null}
    </form>
  );
}

/** "Someone else changed this record": their values next to ours, and the choice of which to keep. */
function ConflictPanel<R extends Versioned>({ workspaceId, editor, fields, what }: { workspaceId: string; editor: RecordEditor<R>; fields: FieldDef<R>[]; what: string }) {
  const owners = useOwners(workspaceId);
  const theirs = editor.conflict!;
  const labels = { owner: (id: string) => owners.data?.find((m) => m.userId === id)?.name ?? 'Former member', record: recordLabel };
  const rows = fields
    .map((def) => {
      const before = def.read(editor.base);
      const now = def.read(theirs);
      const mine = editor.value(def.key);
      const theyChanged = !sameValue(before, now);
      const iChanged = editor.dirtyKeys.includes(def.key);
      return { def, now, mine, theyChanged, iChanged };
    })
    .filter((r) => r.theyChanged || r.iChanged);
  const show = (def: FieldDef<R>, v: ReturnType<FieldDef<R>['read']>) => displayValue(def as FieldDef<never>, v, labels);
  return (
    <div role="alert" tabIndex={-1} className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950">
      <p className="font-semibold">Someone else changed this {what.toLowerCase()}</p>
      <p className="mt-1">They saved while you were editing. Nothing has been lost: compare below, then keep your changes on top of theirs, or take theirs.</p>
      <div className="relative mt-3 overflow-x-auto">
        <table className="w-full min-w-[28rem] text-left">
          <caption className="sr-only">Their values and yours</caption>
          <thead>
            <tr className="text-xs tracking-wide text-amber-900 uppercase">
              <th scope="col" className="py-1 pr-3 font-medium">
                Field
              </th>
              <th scope="col" className="py-1 pr-3 font-medium">
                Their value
              </th>
              <th scope="col" className="py-1 font-medium">
                Your value
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ def, now, mine, theyChanged, iChanged }) => (
              <tr key={def.key} className="border-t border-amber-200 align-top">
                <th scope="row" className="py-1.5 pr-3 font-medium">
                  {def.label}
                </th>
                <td className={`py-1.5 pr-3 ${theyChanged ? 'font-semibold' : ''}`}>{show(def, now)}</td>
                <td className={`py-1.5 ${iChanged ? 'font-semibold' : ''}`}>{iChanged ? show(def, mine) : <span className="text-amber-800">(not changed)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button onClick={editor.reapply} pending={editor.saving} pendingLabel="Saving…">
          Reapply my changes
        </Button>
        <Button variant="secondary" onClick={editor.discard}>
          Discard mine, keep theirs
        </Button>
      </div>
    </div>
  );
}

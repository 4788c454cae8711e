import { useEffect, useId, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { displayValue, sameValue, type FieldDef, type FormValue } from './fields';
import { FieldInput } from './FieldInput';
import { recordLabel } from './RecordPicker';
import { useOwners } from './useCrm';
import type { RecordEditor } from './useRecordEditor';

interface Versioned {
  id: string;
  version: number;
}

export interface PropertySection<R> {
  title: string;
  fields: FieldDef<R>[];
}

/** Inputs that hold one choice: picking it is the decision, so it saves at once. */
const savesOnChange = new Set<FieldDef<never>['input']>(['select', 'owner', 'currency', 'timezone', 'country', 'checkbox', 'company', 'contact']);
/** Native selects, where arrow keys step through the options: from the keyboard, Enter (or leaving) saves. */
const nativeSelects = new Set<FieldDef<never>['input']>(['select', 'owner', 'currency', 'timezone', 'country']);

/**
 * CRM-1, CRM-2, CRM-3: a record's properties, each edited where it is shown — click (or Enter)
 * opens the field, Enter or leaving it saves, Escape puts it back. Only that field is sent, with
 * the version read; when someone else saved first, both versions are shown to choose from.
 */
export function PropertiesPanel<R extends Versioned>({
  workspaceId,
  editor,
  sections,
  canEdit,
  what,
}: {
  workspaceId: string;
  editor: RecordEditor<R>;
  sections: PropertySection<R>[];
  canEdit: boolean;
  what: string;
}) {
  const owners = useOwners(workspaceId);
  const labels = { owner: (id: string) => owners.data?.find((m) => m.userId === id)?.name ?? 'Former member', record: recordLabel };
  const all = sections.flatMap((s) => s.fields);
  return (
    <div className="space-y-4">
      {editor.conflict ? <ConflictPanel editor={editor} fields={all} what={what} labels={labels} /> : null}
      {editor.formError && !editor.conflict ? <ErrorAlert>{editor.formError}</ErrorAlert> : null}
      {sections
        .filter((s) => s.fields.length)
        .map((section) => (
          <section key={section.title} aria-label={section.title}>
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-stone-500 uppercase">{section.title}</h3>
            <dl className="divide-y divide-stone-100">
              {section.fields.map((def) => (
                <InlineField key={def.key} workspaceId={workspaceId} def={def as FieldDef<never>} editor={editor as unknown as RecordEditor<Versioned>} canEdit={canEdit} labels={labels} />
              ))}
            </dl>
          </section>
        ))}
      {!canEdit ? <p className="text-xs text-stone-500">Your role can look at these details but not change them.</p> : null}
    </div>
  );
}

function InlineField({
  workspaceId,
  def,
  editor,
  canEdit,
  labels,
}: {
  workspaceId: string;
  def: FieldDef<never>;
  editor: RecordEditor<Versioned>;
  canEdit: boolean;
  labels: Parameters<typeof displayValue>[2];
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<FormValue>('');
  const [saving, setSaving] = useState(false);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const stepping = useRef(false);
  const savingRef = useRef(false);
  const refocus = useRef(false);
  const hintId = useId();
  const picker = def.input === 'company' || def.input === 'contact';
  const current = editor.value(def.key);
  const shown = displayValue(def, current, labels);
  const empty = shown === '—';
  const error = editor.errors[def.key];

  // Into the field when it opens; back to its button when it closes by keyboard.
  useEffect(() => {
    if (editing) wrapperRef.current?.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea, button')?.focus();
    else if (returnFocus.current) {
      returnFocus.current = false;
      buttonRef.current?.focus();
    }
  }, [editing]);

  const open = () => {
    if (!canEdit) return;
    // A picker opens empty, ready to search; the current record stays until another is picked.
    setDraft(picker ? '' : current);
    setEditing(true);
  };
  const close = (byKeyboard: boolean) => {
    returnFocus.current = byKeyboard;
    setEditing(false);
  };
  const cancel = (byKeyboard = true) => {
    editor.cancelField(def.key);
    close(byKeyboard);
  };
  const commit = async (value: FormValue, byKeyboard: boolean) => {
    // A ref, not the state: the field is disabled while it saves, and the blur that causes must not save twice.
    if (savingRef.current) return;
    if (picker && value === '') return cancel(byKeyboard);
    if (sameValue(value, def.read(editor.base as never))) return cancel(byKeyboard);
    savingRef.current = true;
    setSaving(true);
    const outcome = await editor.saveField(def.key, value);
    savingRef.current = false;
    setSaving(false);
    if (outcome !== 'invalid') close(byKeyboard);
    // Refused after Enter: the field stays open with its sentence and gets back the focus that
    // disabling it took away, so Enter and Escape still reach it.
    else if (byKeyboard) refocus.current = true;
  };
  useEffect(() => {
    if (saving || !editing || !refocus.current) return;
    refocus.current = false;
    wrapperRef.current?.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea, button')?.focus();
  }, [saving, editing]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    stepping.current = event.key !== 'Enter' && event.key !== 'Escape' && event.key !== 'Tab';
    if (event.defaultPrevented) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      cancel();
    } else if (event.key === 'Enter' && !event.shiftKey && (event.target as HTMLElement).tagName !== 'BUTTON') {
      event.preventDefault();
      void commit(draft, true);
    }
  };
  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    if (wrapperRef.current?.contains(event.relatedTarget as Node | null)) return;
    void commit(draft, false);
  };

  if (editing) {
    return (
      <div ref={wrapperRef} className="py-2" onKeyDown={onKeyDown} onBlur={onBlur} aria-busy={saving || undefined}>
        <FieldInput
          workspaceId={workspaceId}
          def={def}
          value={draft}
          onChange={(v) => {
            setDraft(v);
            const fromKeys = nativeSelects.has(def.input) && stepping.current;
            stepping.current = false;
            if (savesOnChange.has(def.input) && !fromKeys && !(picker && v === '')) void commit(v, true);
          }}
          error={error}
          disabled={saving}
        />
        <p id={hintId} className="mt-1 flex flex-wrap items-center gap-x-3 text-xs text-stone-500">
          <span>{saving ? 'Saving…' : nativeSelects.has(def.input) ? 'Pick one to save (Enter from the keyboard); Escape cancels.' : savesOnChange.has(def.input) ? 'Pick one to save; Escape cancels.' : def.input === 'lines' ? 'Enter saves, Shift+Enter adds a line, Escape cancels.' : 'Enter saves, Escape cancels.'}</span>
          {picker && current ? (
            <button
              type="button"
              className="font-medium text-red-700 hover:underline"
              onClick={async () => {
                setSaving(true);
                const outcome = await editor.saveField(def.key, '');
                setSaving(false);
                if (outcome !== 'invalid') close(true);
              }}
            >
              Remove<span className="sr-only"> {def.label.toLowerCase()}</span>
            </button>
          ) : null}
        </p>
      </div>
    );
  }

  return (
    <div className="grid grid-cols-[minmax(0,8rem)_minmax(0,1fr)] items-baseline gap-x-3 py-1">
      <dt className="py-1 text-sm break-words text-stone-500">
        {def.label}
      </dt>
      <dd className="min-w-0">
        {canEdit ? (
          <button
            ref={buttonRef}
            type="button"
            onClick={open}
            aria-label={`Edit ${def.label}: ${empty ? 'not set' : shown}`}
            className="-mx-1.5 block w-[calc(100%+0.75rem)] rounded px-1.5 py-1 text-left text-sm break-words text-stone-900 hover:bg-stone-100 focus-visible:bg-stone-100"
          >
            {empty ? <span className="text-stone-400">Add…</span> : shown}
          </button>
        ) : (
          <span className="block py-1 text-sm break-words text-stone-900">{shown}</span>
        )}
        {error && !editing ? <p className="text-sm text-red-700">{error}</p> : null}
      </dd>
    </div>
  );
}

/** "Someone else changed this record": their values next to ours, and the choice of which to keep. */
function ConflictPanel<R extends Versioned>({ editor, fields, what, labels }: { editor: RecordEditor<R>; fields: FieldDef<R>[]; what: string; labels: Parameters<typeof displayValue>[2] }) {
  const theirs = editor.conflict!;
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
  const show = (def: FieldDef<R>, v: FormValue) => displayValue(def as FieldDef<never>, v, labels);
  return (
    <div role="alert" tabIndex={-1} className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
      <p className="font-semibold">Someone else changed this {what.toLowerCase()}</p>
      <p className="mt-1">They saved while you were editing. Nothing has been lost: compare below, then keep your change on top of theirs, or take theirs.</p>
      <div className="relative mt-3 overflow-x-auto">
        <table className="w-full text-left">
          <caption className="sr-only">Their values and yours</caption>
          <thead>
            <tr className="text-xs tracking-wide text-amber-900 uppercase">
              <th scope="col" className="py-1 pr-2 font-medium">
                Field
              </th>
              <th scope="col" className="py-1 pr-2 font-medium">
                Theirs
              </th>
              <th scope="col" className="py-1 font-medium">
                Yours
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ def, now, mine, theyChanged, iChanged }) => (
              <tr key={def.key} className="border-t border-amber-200 align-top">
                <th scope="row" className="py-1.5 pr-2 font-medium">
                  {def.label}
                </th>
                <td className={`py-1.5 pr-2 break-words ${theyChanged ? 'font-semibold' : ''}`}>{show(def, now)}</td>
                <td className={`py-1.5 break-words ${iChanged ? 'font-semibold' : ''}`}>{iChanged ? show(def, mine) : <span className="text-amber-800">(not changed)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button size="sm" onClick={editor.reapply} pending={editor.saving} pendingLabel="Saving…">
          Reapply my changes
        </Button>
        <Button size="sm" variant="secondary" onClick={editor.discard}>
          Discard mine, keep theirs
        </Button>
      </div>
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useId, useMemo, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { CheckboxField, inputClass, SelectField, TextField } from '../../ui/Field';
import { Card, SectionHeading } from '../../ui/PageHeading';
import { Spinner } from '../../ui/Spinner';
import { discardImport, importKeys, previewImport, startImport, type Import, type ImportMapping, type ImportObject, type ImportOptions, type ImportTarget } from './api';
import { objectLabels } from './labels';
import { PreviewTable } from './PreviewTable';
import { useDebounced } from '../../ui/useDebounced';

const defaultOptions = (object: ImportObject): Required<Omit<ImportOptions, 'tagName'>> & { tagName: string } => ({
  dedupeKey: object === 'companies' ? 'domain' : 'email',
  onMatch: 'update',
  mode: 'valid_rows',
  tagName: '',
});

/** CRM-7: map the file's columns, choose how matches are handled, check the preview, start. */
export function MappingStep({ workspaceId, imp }: { workspaceId: string; imp: Import }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [object, setObject] = useState<ImportObject>(imp.object);
  const [mapping, setMapping] = useState<ImportMapping | undefined>(imp.mapping.length ? imp.mapping : undefined);
  const [options, setOptions] = useState({ ...defaultOptions(imp.object), ...(imp.options ?? {}), tagName: imp.options?.tagName ?? '' });
  // Memoised: a fresh object literal each render would restart the timer on every render, and its
  // own update would render again 300 ms later, for ever.
  const current = useMemo(() => ({ object, mapping, options }), [object, mapping, options]);
  const request = useDebounced(current, 300);

  const preview = useQuery({
    queryKey: ['imports', workspaceId, imp.id, 'preview', request],
    queryFn: () =>
      previewImport(workspaceId, imp.id, {
        object: request.object,
        ...(request.mapping ? { mapping: request.mapping } : {}),
        options: { dedupeKey: request.options.dedupeKey, onMatch: request.options.onMatch, mode: request.options.mode, ...(request.options.tagName.trim() ? { tagName: request.options.tagName.trim() } : {}) },
      }),
    placeholderData: (prev) => prev,
    staleTime: Infinity,
  });
  // A new object brings its own suggested mapping.
  useEffect(() => {
    if (!mapping && preview.data && preview.data.object === object) setMapping(preview.data.mapping);
  }, [mapping, preview.data, object]);

  const start = useMutation({
    mutationFn: () =>
      startImport(workspaceId, imp.id, {
        object,
        mapping: mapping ?? [],
        options: { dedupeKey: options.dedupeKey, onMatch: options.onMatch, mode: options.mode, ...(options.tagName.trim() ? { tagName: options.tagName.trim() } : {}) },
      }),
    onSuccess: (updated) => {
      client.setQueryData(importKeys.one(workspaceId, imp.id), updated);
      void client.invalidateQueries({ queryKey: importKeys.list(workspaceId) });
    },
  });
  const discard = useMutation({
    mutationFn: () => discardImport(workspaceId, imp.id),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: importKeys.list(workspaceId) });
      void navigate({ to: '/w/$workspaceId/import', params: { workspaceId } });
    },
  });

  const targets = preview.data?.object === object ? preview.data.targets : [];
  const problems = preview.data?.object === object ? preview.data.problems : [];
  const tagMissing = object === 'email_list' && !options.tagName.trim();
  const setTarget = (column: number, target: string | null) => setMapping((m) => (m ?? []).filter((x) => x.column !== column).concat({ column, target }).sort((a, b) => a.column - b.column));
  const targetOf = (column: number) => mapping?.find((m) => m.column === column)?.target ?? null;
  const fieldErrors = start.error && 'fields' in start.error ? (start.error as { fields: Record<string, string> }).fields : {};

  return (
    <div className="space-y-6">
      <Card labelledBy="map-columns">
        <SectionHeading id="map-columns" description="Each column of your file goes to a field, or is left out. Our suggestions are already chosen; change any of them.">
          Map the columns
        </SectionHeading>
        <SelectField
          label="Import as"
          containerClassName="mb-4 max-w-xs"
          value={object}
          onChange={(e) => {
            const o = e.target.value as ImportObject;
            setObject(o);
            setMapping(undefined);
            setOptions((x) => ({ ...x, dedupeKey: defaultOptions(o).dedupeKey }));
          }}
          options={(Object.keys(objectLabels) as ImportObject[]).map((o) => ({ value: o, label: objectLabels[o].title }))}
        />
        {/* The choices come with the preview: a select without its options would show every column as "Don't import". */}
        {!mapping || (!targets.length && !preview.isError) ? (
          <Spinner label="Suggesting a mapping…" className="text-sm text-stone-600" />
        ) : (
          <ul className="divide-y divide-stone-200 rounded-md border border-stone-200">
            {imp.columns.map((col) => (
              <ColumnRow key={col.index} header={col.header} samples={col.samples} targets={targets} value={targetOf(col.index)} onChange={(t) => setTarget(col.index, t)} suggested={imp.object === object ? (imp.mapping.find((m) => m.column === col.index)?.target ?? null) : null} />
            ))}
          </ul>
        )}
      </Card>

      <Card labelledBy="match-options">
        <SectionHeading id="match-options">Matching and mode</SectionHeading>
        <div className="grid gap-4 sm:grid-cols-2">
          {object !== 'email_list' ? (
            <SelectField
              label="Find existing records by"
              value={options.dedupeKey}
              onChange={(e) => setOptions((x) => ({ ...x, dedupeKey: e.target.value as typeof x.dedupeKey }))}
              options={[
                ...(object === 'contacts'
                  ? [
                      { value: 'email', label: 'Email address' },
                      { value: 'phone', label: 'Phone number' },
                    ]
                  : [{ value: 'domain', label: 'Domain (website)' }]),
                { value: 'none', label: "Don't look for matches" },
              ]}
            />
          ) : null}
          {object !== 'email_list' && options.dedupeKey !== 'none' ? (
            <fieldset>
              <legend className="mb-1 text-sm font-medium text-stone-800">When a row matches a record</legend>
              {(
                [
                  ['update', 'Update it', 'Fill in and change its fields from the file; empty cells change nothing.'],
                  ['skip', 'Skip the row', 'Leave the existing record as it is.'],
                  ['create', 'Create a new record anyway', 'You may end up with duplicates.'],
                ] as const
              ).map(([value, label, hint]) => (
                <label key={value} className="flex gap-2 py-1 text-sm">
                  <input type="radio" name="on-match" className="mt-0.5 accent-teal-700" checked={options.onMatch === value} onChange={() => setOptions((x) => ({ ...x, onMatch: value }))} />
                  <span>
                    <span className="font-medium text-stone-900">{label}</span> <span className="text-stone-600">— {hint}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          ) : null}
          <TextField
            label={object === 'email_list' ? 'List name' : 'Tag every imported record with'}
            optional={object !== 'email_list'}
            hint={object === 'email_list' ? 'The addresses go into this list (a tag); it is created if new.' : 'For example "Trade show 2026", to find this batch later.'}
            value={options.tagName}
            maxLength={60}
            error={fieldErrors['options.tagName']}
            onChange={(e) => setOptions((x) => ({ ...x, tagName: e.target.value }))}
          />
          <CheckboxField
            label="All or nothing"
            hint="When any row has a problem, import nothing. Otherwise the valid rows are imported and the others listed in the report."
            checked={options.mode === 'all_or_nothing'}
            onChange={(e) => setOptions((x) => ({ ...x, mode: e.target.checked ? 'all_or_nothing' : 'valid_rows' }))}
          />
        </div>
      </Card>

      <Card labelledBy="preview-heading">
        <SectionHeading id="preview-heading" description="The first rows of your file as they will be saved. Rows with a problem are marked; they will be left out and listed in the report.">
          Preview
        </SectionHeading>
        {preview.isError ? (
          <ErrorAlert>{errorMessage(preview.error)}</ErrorAlert>
        ) : !preview.data || !mapping ? (
          <Spinner label="Reading the first rows…" className="text-sm text-stone-600" />
        ) : (
          <div aria-busy={preview.isFetching || undefined}>
            <PreviewTable rows={preview.data.rows} mapping={mapping} targets={targets} headers={imp.columns.map((c) => c.header)} />
          </div>
        )}
      </Card>

      {problems.length ? (
        <ErrorAlert title="Before you can start">
          <ul className="list-disc pl-5">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </ErrorAlert>
      ) : null}
      {start.isError ? <ErrorAlert>{errorMessage(start.error)}</ErrorAlert> : null}
      {discard.isError ? <ErrorAlert>{errorMessage(discard.error)}</ErrorAlert> : null}
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="ghost" onClick={() => discard.mutate()} pending={discard.isPending} pendingLabel="Discarding…">
          Discard this upload
        </Button>
        <Button onClick={() => start.mutate()} disabled={!mapping || problems.length > 0 || tagMissing || preview.isFetching} pending={start.isPending} pendingLabel="Starting…">
          Start the import
        </Button>
      </div>
    </div>
  );
}

function ColumnRow({ header, samples, targets, value, suggested, onChange }: { header: string; samples: string[]; targets: ImportTarget[]; value: string | null; suggested: string | null; onChange: (t: string | null) => void }) {
  const id = useId();
  const groups = useMemo(
    () => [
      { label: 'Fields', items: targets.filter((t) => t.group === 'field') },
      { label: 'Custom fields', items: targets.filter((t) => t.group === 'custom') },
      { label: 'Tags', items: targets.filter((t) => t.group === 'tags') },
    ],
    [targets],
  );
  return (
    <li className="grid gap-2 px-3 py-3 sm:grid-cols-[1fr_16rem] sm:items-center">
      <div className="min-w-0">
        <label htmlFor={id} className="block font-medium break-words text-stone-900">
          {header}
        </label>
        <p className="truncate text-xs text-stone-500">{samples.length ? samples.join(' · ') : 'No values in the first rows'}</p>
      </div>
      <div>
        <select id={id} className={inputClass} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
          <option value="">Don't import</option>
          {groups
            .filter((g) => g.items.length)
            .map((g) => (
              <optgroup key={g.label} label={g.label}>
                {g.items.map((t) => (
                  <option key={t.key} value={t.key}>
                    {t.label}
                  </option>
                ))}
              </optgroup>
            ))}
        </select>
        {suggested && suggested === value ? <p className="mt-1 text-xs text-teal-800">Suggested</p> : null}
      </div>
    </li>
  );
}

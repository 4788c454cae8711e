import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, validate } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert, InfoNote, StatusNote } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { ConfirmRemove } from '../../ui/ConfirmRemove';
import { PasswordField, TextField } from '../../ui/Field';
import { Card, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { useFormErrors } from '../../ui/useFormErrors';
import {
  dataProviderDefaultBaseUrls,
  dataProviderKeys,
  dataProviderLabels,
  removeDataProvider,
  saveDataProvider,
  saveDataProviderBody,
  testDataProvider,
  type DataProvider,
  type TestDataProviderResult,
} from './api';
import { agentKeys } from '../agents/api';
import { useDataProvider } from './useEnrichment';

const fieldNames = ['kind', 'apiKey', 'baseUrl'] as const;
const label = dataProviderLabels.people_data_labs;

/**
 * AI-2: the data provider Hunter enriches contacts through (owners and admins). The key is
 * encrypted at rest and never shown again; "Test connection" makes one look-up that matches no one.
 */
export function DataProviderSettings({ workspaceId }: { workspaceId: string }) {
  const provider = useDataProvider(workspaceId);
  return (
    <Card labelledBy="data-provider">
      <SectionHeading id="data-provider" description={`Hunter looks contacts up with ${label} to fill in job titles, companies, places and LinkedIn profiles. Each update waits for your approval unless Hunter is on autopilot.`}>
        Data provider
      </SectionHeading>
      {provider.isPending ? (
        <SkeletonList rows={2} label="Loading the data provider…" />
      ) : provider.isError ? (
        <ErrorAlert title="The data provider could not be loaded">{errorMessage(provider.error)}</ErrorAlert>
      ) : (
        <>
          {provider.data.provider ? (
            <ConnectionTest workspaceId={workspaceId} current={provider.data.provider} />
          ) : (
            <InfoNote className="mb-4">No data provider is set, so Hunter cannot enrich contacts. Everything else works as usual. Add a {label} API key below to turn enrichment on.</InfoNote>
          )}
          <DataProviderForm key={provider.data.provider?.updatedAt ?? 'new'} workspaceId={workspaceId} current={provider.data.provider} />
        </>
      )}
    </Card>
  );
}

function ConnectionTest({ workspaceId, current }: { workspaceId: string; current: DataProvider }) {
  const [result, setResult] = useState<TestDataProviderResult | null>(null);
  const test = useMutation({
    mutationFn: () => testDataProvider(workspaceId),
    onMutate: () => setResult(null),
    onSuccess: (r) => {
      setResult(r);
      announce(r.ok ? 'The data provider works.' : 'The data provider test failed.');
    },
  });
  return (
    <div className="mb-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-stone-800">
          <span className="font-medium">{dataProviderLabels[current.kind]}</span> · key ending in <code className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-xs">{current.apiKeyLast4}</code>
          <span className="ml-2 break-all text-stone-600">at {current.effectiveBaseUrl}</span>
        </p>
        <Button variant="secondary" onClick={() => test.mutate()} pending={test.isPending} pendingLabel="Testing…">
          Test connection
        </Button>
      </div>
      <div aria-live="polite" className="mt-3 empty:hidden">
        {result ? result.ok ? <StatusNote>{result.message}{result.latencyMs !== null ? ` (${result.latencyMs} ms)` : ''}</StatusNote> : <ErrorAlert title="The connection test failed">{result.message}</ErrorAlert> : null}
        {test.isError ? <ErrorAlert title="The connection test failed">{errorMessage(test.error)}</ErrorAlert> : null}
      </div>
    </div>
  );
}

function DataProviderForm({ workspaceId, current }: { workspaceId: string; current: DataProvider | null }) {
  const client = useQueryClient();
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState(current?.baseUrl ?? '');
  const { formRef, alertRef, fields, formError, clear, showFields, showError } = useFormErrors(fieldNames);
  const refresh = () => client.invalidateQueries({ queryKey: dataProviderKeys.provider(workspaceId) });
  // Hunter's tools depend on it.
  const refreshAgents = () => client.invalidateQueries({ queryKey: agentKeys.list(workspaceId) });

  const save = useMutation({
    mutationFn: (body: Parameters<typeof saveDataProvider>[1]) => saveDataProvider(workspaceId, body),
    onSuccess: async () => {
      setApiKey('');
      announce('Data provider saved.');
      await Promise.all([refresh(), refreshAgents()]);
    },
    onError: showError,
  });
  const remove = useMutation({
    mutationFn: () => removeDataProvider(workspaceId),
    onSuccess: async () => {
      announce('Data provider removed.');
      await Promise.all([refresh(), refreshAgents()]);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    clear();
    const body = { kind: 'people_data_labs' as const, baseUrl: baseUrl.trim() ? baseUrl.trim() : null, ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}) };
    const checked = validate(saveDataProviderBody, body);
    if (!checked.ok) return showFields(checked.fields);
    if (!current && !apiKey.trim()) return showFields({ apiKey: `Enter your ${label} API key.` });
    save.mutate(body);
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="grid gap-4" aria-label={current ? 'Change the data provider' : 'Set a data provider'}>
      {formError ? <ErrorAlert ref={alertRef}>{formError}</ErrorAlert> : null}
      <PasswordField
        label={`${label} API key`}
        optional={Boolean(current)}
        value={apiKey}
        onChange={(e) => setApiKey(e.target.value)}
        hint={current ? `A key ending in ${current.apiKeyLast4} is stored. Leave empty to keep it.` : 'Stored encrypted. It is never shown again, not even to you.'}
        error={fields.apiKey}
        autoComplete="off"
      />
      <TextField
        label="Base URL"
        optional
        type="url"
        inputMode="url"
        placeholder={dataProviderDefaultBaseUrls.people_data_labs}
        value={baseUrl}
        onChange={(e) => setBaseUrl(e.target.value)}
        hint="Only for a proxy in front of the provider. Leave empty for its own address."
        error={fields.baseUrl}
        autoComplete="off"
        spellCheck={false}
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" pending={save.isPending}>
          {current ? 'Save changes' : 'Save key'}
        </Button>
        {current ? <ConfirmRemove label="Remove data provider" question="Remove the data provider and its key? Hunter stops enriching." onConfirm={() => remove.mutate()} pending={remove.isPending} /> : null}
      </div>
      {current ? <p className="text-xs text-stone-500">Last changed {formatDateTime(current.updatedAt)}.</p> : null}
      {remove.isError ? <ErrorAlert>{errorMessage(remove.error)}</ErrorAlert> : null}
    </form>
  );
}

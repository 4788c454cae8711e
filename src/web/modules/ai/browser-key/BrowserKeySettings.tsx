import { useEffect, useState, type FormEvent } from 'react';
import { InfoNote, StatusNote } from '../../../ui/Alert';
import { announce } from '../../../ui/Announcer';
import { Button } from '../../../ui/Button';
import { PasswordField, SelectField, TextField } from '../../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../../ui/PageHeading';
import { aiProviderKinds, providerLabels, type AiProviderKind } from '../api';
import { clearBrowserKey, readBrowserKey, saveBrowserKey, type BrowserKey } from './browserKey';

const kindOptions = aiProviderKinds.map((k) => ({ value: k, label: providerLabels[k] }));

/** Re-reads the key when it changes here or in another tab. */
export function useBrowserKey(): BrowserKey | null {
  const [key, setKey] = useState(readBrowserKey);
  useEffect(() => {
    const update = () => setKey(readBrowserKey());
    window.addEventListener('kestrel-browser-key', update);
    window.addEventListener('storage', update);
    return () => {
      window.removeEventListener('kestrel-browser-key', update);
      window.removeEventListener('storage', update);
    };
  }, []);
  return key;
}

/**
 * AI-1: a personal key kept only in this browser. "Ask" then calls the provider straight from
 * this page; Kestrel's server never receives the key. Anyone may use one, whatever the
 * workspace has connected.
 */
export function BrowserKeySettings() {
  const current = useBrowserKey();
  const [kind, setKind] = useState<AiProviderKind>(current?.kind ?? 'openai');
  const [model, setModel] = useState(current?.model ?? '');
  const [baseUrl, setBaseUrl] = useState(current?.baseUrl ?? '');
  const [apiKey, setApiKey] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (!model.trim()) next.model = 'Enter a model name.';
    if (kind === 'openai_compatible' && !/^https?:\/\/\S+$/.test(baseUrl.trim())) next.baseUrl = 'Enter the server URL, e.g. http://localhost:11434/v1.';
    if (baseUrl.trim() && !/^https?:\/\/\S+$/.test(baseUrl.trim())) next.baseUrl = 'Enter a URL starting with http:// or https://.';
    if (kind !== 'openai_compatible' && apiKey.trim().length < 8 && !current?.apiKey) next.apiKey = 'Paste your API key.';
    setErrors(next);
    if (Object.keys(next).length) return;
    saveBrowserKey({ kind, model: model.trim(), baseUrl: baseUrl.trim().replace(/\/+$/, '') || null, apiKey: apiKey.trim() || current?.apiKey || '' });
    setApiKey('');
    announce('Your key is saved in this browser.');
  }

  return (
    <div className="space-y-6">
      <PageHeading description="Use your own provider key for Ask, kept only in this browser.">AI in this browser</PageHeading>
      <Card>
        <SectionHeading>Your personal key</SectionHeading>
        <InfoNote>
          The key is stored in this browser only and sent straight to the provider from this page; Kestrel's server never receives it. Kestrel still runs the searches
          (with your access) and keeps the record of each call, without the key. It works for <strong>Ask</strong>; agents use the workspace's provider. Providers on
          another address than OpenAI, Anthropic, Google or this computer must be allowed by the operator (AI_BROWSER_ORIGINS).
        </InfoNote>
        {current && (
          <StatusNote>
            In use: {providerLabels[current.kind]}, model {current.model}
            {current.baseUrl ? ` at ${current.baseUrl}` : ''}, key ending {current.apiKey.slice(-4) || '(none)'}.
          </StatusNote>
        )}
        <form onSubmit={submit} noValidate className="mt-4 grid gap-4 sm:max-w-lg">
          <SelectField label="Provider" name="kind" value={kind} onChange={(e) => setKind(e.target.value as AiProviderKind)} options={kindOptions} />
          <TextField label="Model" name="model" value={model} onChange={(e) => setModel(e.target.value)} error={errors.model} />
          <TextField label="Base URL (optional)" name="baseUrl" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} error={errors.baseUrl} hint="Only for an OpenAI-compatible server or a proxy." />
          <PasswordField label={current ? 'API key (leave empty to keep yours)' : 'API key'} name="apiKey" value={apiKey} onChange={(e) => setApiKey(e.target.value)} error={errors.apiKey} autoComplete="off" />
          <div className="flex flex-wrap gap-3">
            <Button type="submit">Save in this browser</Button>
            {current && (
              <Button
                type="button"
                variant="secondary"
                onClick={() => {
                  clearBrowserKey();
                  announce('Your key is removed from this browser.');
                }}
              >
                Remove from this browser
              </Button>
            )}
          </div>
        </form>
      </Card>
    </div>
  );
}

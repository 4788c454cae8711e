import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useRef, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { ConfirmRemove } from '../../ui/ConfirmRemove';
import { EmptyState } from '../../ui/EmptyState';
import { SelectField, TextAreaField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { Spinner } from '../../ui/Spinner';
import { fetchContacts, type Contact } from '../crm/api';
import { readableMergeFields } from './merge-fields';
import { mergeFieldNames, templatesApi, type OutreachTemplate } from './mail-api';
import { useDebounced } from '../../ui/useDebounced';

const fieldLabels: Record<(typeof mergeFieldNames)[number], string> = {
  'contact.firstName': 'Contact: first name',
  'contact.lastName': 'Contact: last name',
  'contact.fullName': 'Contact: full name',
  'contact.email': 'Contact: email',
  'contact.title': 'Contact: job title',
  'company.name': 'Company: name',
  'workspace.name': 'Your business: name',
  'sender.name': 'Sender: your name',
};
const contactName = (c: Pick<Contact, 'firstName' | 'lastName' | 'email'>) => [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || 'Unnamed contact';

/** MAIL-2: email templates with merge fields, previewed with a real contact exactly as the send path renders them. */
export function TemplatesPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const list = useQuery({ queryKey: ['outreach-templates', workspaceId], queryFn: () => templatesApi.list(workspaceId) });
  const scripts = useQuery({ queryKey: ['outreach-templates', workspaceId, 'call_script'], queryFn: () => templatesApi.callScripts(workspaceId) });
  const [editing, setEditing] = useState<OutreachTemplate | 'new' | null>(null);
  return (
    <div className="max-w-6xl">
      <PageHeading
        description="Write an email once, with merge fields for each contact's details. Campaigns and sequences send these."
        actions={
          editing === null ? (
            <Button onClick={() => setEditing('new')} size="sm">
              New template
            </Button>
          ) : null
        }
      >
        Email templates
      </PageHeading>
      {editing !== null ? <TemplateEditor key={editing === 'new' ? 'new' : editing.id} workspaceId={workspaceId} template={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
      <section aria-labelledby="templates-heading" className="mt-8">
        <SectionHeading id="templates-heading">Your templates</SectionHeading>
        {list.isPending ? (
          <SkeletonList rows={3} label="Loading templates…" />
        ) : list.isError ? (
          <ErrorAlert>{errorMessage(list.error)}</ErrorAlert>
        ) : list.data.items.length === 0 ? (
          <EmptyState title="No templates yet" action={editing === null ? <Button onClick={() => setEditing('new')}>Write the first one</Button> : undefined}>
            A template is a subject and a body with fields like {'{{contact.firstName}}'}.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
            {list.data.items.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3">
                <div className="min-w-0">
                  <p className="font-medium text-stone-900">{t.name}</p>
                  <p className="truncate text-sm text-stone-600" title={t.subject}>
                    {readableMergeFields(t.subject)}
                  </p>
                </div>
                <div className="flex items-center gap-2">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${t.stream === 'marketing' ? 'bg-sky-100 text-sky-900' : 'bg-stone-100 text-stone-700'}`}>{t.stream === 'marketing' ? 'Marketing' : 'Transactional'}</span>
                  <Button size="sm" variant="secondary" onClick={() => setEditing(t)} aria-label={`Edit ${t.name}`}>
                    Edit
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="scripts-heading" className="mt-8">
        <SectionHeading id="scripts-heading" description="Read out on calls: the call list shows the one you choose beside each contact, filled in for them.">
          Call scripts
        </SectionHeading>
        {scripts.isPending ? (
          <SkeletonList rows={2} label="Loading call scripts…" />
        ) : scripts.isError ? (
          <ErrorAlert>{errorMessage(scripts.error)}</ErrorAlert>
        ) : scripts.data.items.length === 0 ? (
          <p className="text-sm text-stone-600">No call scripts yet. Choose "Call script" in a new template, or ask Forge to write one.</p>
        ) : (
          <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
            {scripts.data.items.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3">
                <p className="min-w-0 font-medium text-stone-900">{t.name}</p>
                <Button size="sm" variant="secondary" onClick={() => setEditing(t)} aria-label={`Edit ${t.name}`}>
                  Edit
                </Button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function TemplateEditor({ workspaceId, template, onClose }: { workspaceId: string; template: OutreachTemplate | null; onClose: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(template?.name ?? '');
  const [subject, setSubject] = useState(template?.subject ?? '');
  const [html, setHtml] = useState(template?.html ?? '');
  const [stream, setStream] = useState<'marketing' | 'transactional'>(template?.stream ?? 'marketing');
  // CALL-1: a call script is never sent: no stream, and its name stands for the subject.
  const [kind, setKind] = useState<'email' | 'call_script'>(template?.kind ?? 'email');
  const script = kind === 'call_script';
  const [field, setField] = useState<string>(mergeFieldNames[0]);
  const [notice, setNotice] = useState('');
  const lastFocus = useRef<'subject' | 'body'>('body');
  const subjectBox = useRef<HTMLDivElement>(null);
  const bodyBox = useRef<HTMLDivElement>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['outreach-templates', workspaceId] });
  const save = useMutation({
    mutationFn: () => {
      const parts = { name, subject: script ? name : subject, html, ...(script ? {} : { stream }) };
      return template ? templatesApi.update(workspaceId, template.id, parts) : templatesApi.create(workspaceId, { ...parts, kind });
    },
    onSuccess: (t) => {
      setNotice(`"${t.name}" is saved.`);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => templatesApi.remove(workspaceId, template!.id),
    onSuccess: () => {
      void refresh();
      onClose();
    },
  });
  const fields = isApiError(save.error) ? save.error.fields : {};

  /** Puts `{{field}}` where the cursor was in the subject or the body. */
  const insert = () => {
    const tag = `{{${field}}}`;
    const target = lastFocus.current === 'subject' ? subjectBox.current?.querySelector('input') : bodyBox.current?.querySelector('textarea');
    const value = lastFocus.current === 'subject' ? subject : html;
    const start = target?.selectionStart ?? value.length;
    const end = target?.selectionEnd ?? value.length;
    const next = value.slice(0, start) + tag + value.slice(end);
    // The field is rendered with its new value at once, then focused with the caret after the tag: a focus
    // deferred to the next frame could land after the person (or a test) had moved on to another field,
    // pulling what they typed next into this one.
    flushSync(() => (lastFocus.current === 'subject' ? setSubject : setHtml)(next));
    target?.focus();
    target?.setSelectionRange(start + tag.length, start + tag.length);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    save.mutate();
  };
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card labelledBy="editor-heading">
        <h2 id="editor-heading" className="mb-3 text-base font-semibold text-stone-900">
          {template ? `Edit "${template.name}"` : script ? 'New call script' : 'New template'}
        </h2>
        <form onSubmit={submit} className="space-y-4" noValidate>
          <TextField label="Name" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} error={fields.name} hint={script ? "Shown in the call list's script picker." : "For you; recipients see the subject."} />
          {template ? null : (
            <fieldset>
              <legend className="text-sm font-medium text-stone-800">What it is</legend>
              <div className="mt-1 flex flex-wrap gap-4 text-sm">
                <label className="flex items-center gap-2">
                  <input type="radio" name="kind" checked={!script} onChange={() => setKind('email')} className="accent-teal-700" /> Email template
                </label>
                <label className="flex items-center gap-2">
                  <input type="radio" name="kind" checked={script} onChange={() => setKind('call_script')} className="accent-teal-700" /> Call script
                </label>
              </div>
            </fieldset>
          )}
          {script ? null : (
          <fieldset>
            <legend className="text-sm font-medium text-stone-800">Kind of mail</legend>
            <div className="mt-1 flex flex-wrap gap-4 text-sm">
              <label className="flex items-center gap-2">
                <input type="radio" name="stream" checked={stream === 'marketing'} onChange={() => setStream('marketing')} className="accent-teal-700" /> Marketing
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="stream" checked={stream === 'transactional'} onChange={() => setStream('transactional')} className="accent-teal-700" /> Transactional
              </label>
            </div>
            <p className="mt-1 text-xs text-stone-500">{stream === 'marketing' ? 'Goes only to contacts who consented, with your address and an unsubscribe link.' : 'Receipts and replies someone expects: no consent needed, no unsubscribe link.'}</p>
          </fieldset>
          )}
          {script ? null : (
            <div ref={subjectBox}>
              <TextField label="Subject" value={subject} maxLength={250} onChange={(e) => setSubject(e.target.value)} onFocus={() => (lastFocus.current = 'subject')} error={fields.subject} />
            </div>
          )}
          <div ref={bodyBox}>
          <TextAreaField label="Body" rows={10} value={html} maxLength={100000} onChange={(e) => setHtml(e.target.value)} onFocus={() => (lastFocus.current = 'body')} error={fields.html} hint='HTML such as <p>, <a href="…">, <strong>. A field with a fallback: {{contact.firstName | "there"}}.' className="font-mono text-sm" />
          </div>
          <div className="flex flex-wrap items-end gap-2">
            <SelectField label="Merge field" options={mergeFieldNames.map((f) => ({ value: f, label: fieldLabels[f] }))} value={field} onChange={(e) => setField(e.target.value)} containerClassName="min-w-0 flex-1" />
            <Button variant="secondary" onMouseDown={(e) => e.preventDefault()} onClick={insert}>
              Insert field
            </Button>
          </div>
          {save.isError ? <ErrorAlert>{errorMessage(save.error)}</ErrorAlert> : null}
          {notice ? <StatusNote>{notice}</StatusNote> : null}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" pending={save.isPending} disabled={!name.trim() || (!script && !subject.trim()) || !html.trim()}>
              {script ? 'Save call script' : 'Save template'}
            </Button>
            <Button variant="secondary" onClick={onClose}>
              Close
            </Button>
            {template ? <ConfirmRemove label="Delete" question={`Delete "${template.name}"?`} confirmLabel="Delete" pendingLabel="Deleting…" onConfirm={() => remove.mutate()} pending={remove.isPending} /> : null}
          </div>
          {remove.isError ? <ErrorAlert>{errorMessage(remove.error)}</ErrorAlert> : null}
        </form>
      </Card>
      <Preview workspaceId={workspaceId} subject={script ? name || 'Call script' : subject} html={html} marketing={!script && stream === 'marketing'} />
    </div>
  );
}

/** MAIL-2: the draft rendered on the server for the first contact, or one found by search: values escaped, and the same block the send would meet. */
function Preview({ workspaceId, subject, html, marketing }: { workspaceId: string; subject: string; html: string; marketing: boolean }) {
  const [q, setQ] = useState('');
  // MAIL-2: the preview opens filled in, with the workspace's first contact, until another is chosen
  // (undefined: none chosen yet; null: the person asked for another and is searching).
  const [picked, setContact] = useState<Contact | null | undefined>(undefined);
  const first = useQuery({ queryKey: ['template-preview-first', workspaceId], queryFn: () => fetchContacts(workspaceId, { limit: 1 }), enabled: picked === undefined });
  const contact = picked === undefined ? (first.data?.items[0] ?? null) : picked;
  const query = useDebounced(q.trim(), 250);
  // Debounced as strings: an object literal is new on every render, so its timer restarted on each one and a
  // page re-rendering more often than the delay never previewed (stuck on "Rendering…").
  const draft = { subject: useDebounced(subject, 400), html: useDebounced(html, 400) };
  const found = useQuery({ queryKey: ['template-preview-contacts', workspaceId, query], queryFn: () => fetchContacts(workspaceId, { q: query, limit: 6 }), enabled: query.length > 0 && !contact });
  const preview = useQuery({
    queryKey: ['template-preview', workspaceId, contact?.id, draft.subject, draft.html],
    queryFn: () => templatesApi.preview(workspaceId, { contactId: contact!.id, subject: draft.subject, html: draft.html }),
    enabled: !!contact && !!draft.subject.trim() && !!draft.html.trim(),
    placeholderData: (previous) => previous,
    retry: false,
  });
  return (
    <Card labelledBy="preview-heading">
      <h2 id="preview-heading" className="mb-3 text-base font-semibold text-stone-900">
        Preview
      </h2>
      {contact ? (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2 text-sm">
          <p>
            As <span className="font-medium text-stone-900">{contactName(contact)}</span> {contact.email ? <span className="text-stone-500">({contact.email})</span> : null} would get it
            {picked === undefined ? <span className="text-stone-500"> (your first contact)</span> : null}
          </p>
          <Button size="sm" variant="secondary" onClick={() => setContact(null)}>
            Another contact
          </Button>
        </div>
      ) : picked === undefined && first.isPending ? (
        <Spinner label="Finding a contact to preview with…" className="mb-3" />
      ) : (
        <div className="mb-3">
          <TextField label="Preview with a contact" type="search" value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} hint="Type a name or email." />
          {found.isFetching ? <Spinner label="Searching…" className="mt-2" /> : null}
          {found.isError ? <ErrorAlert className="mt-2">{errorMessage(found.error)}</ErrorAlert> : null}
          {found.data ? (
            found.data.items.length === 0 ? (
              <p className="mt-2 text-sm text-stone-600">No contact matches "{query}".</p>
            ) : (
              <ul className="mt-2 space-y-1" aria-label="Contacts found">
                {found.data.items.map((c) => (
                  <li key={c.id}>
                    <button type="button" className="w-full rounded-md px-2 py-1.5 text-left text-sm hover:bg-stone-100 focus-visible:outline-2 focus-visible:outline-teal-700" onClick={() => setContact(c)}>
                      <span className="font-medium text-stone-900">{contactName(c)}</span> {c.email ? <span className="text-stone-500">{c.email}</span> : null}
                    </button>
                  </li>
                ))}
              </ul>
            )
          ) : null}
        </div>
      )}
      {!contact ? (
        picked === undefined && first.isPending ? null : picked === undefined && first.data && !first.data.items.length ? (
          <p className="text-sm text-stone-600">No contacts yet: add one in Contacts to see the mail with their details filled in.</p>
        ) : (
          <p className="text-sm text-stone-600">Choose a contact to see the mail with their details filled in.</p>
        )
      ) : !subject.trim() || !html.trim() ? (
        <p className="text-sm text-stone-600">Write a subject and a body to preview them.</p>
      ) : preview.isError ? (
        <ErrorAlert>{errorMessage(preview.error)}</ErrorAlert>
      ) : !preview.data ? (
        <Spinner label="Rendering…" />
      ) : (
        <div aria-live="polite" data-testid="template-preview">
          {preview.data.blocked ? (
            <ErrorAlert className="mb-3" title="This contact's mail would not be sent">
              <p>{preview.data.blocked.message}</p>
              {preview.data.missing.length > 1 ? <p className="mt-1">Also without a value: {preview.data.missing.slice(1).map((f) => `{{${f}}}`).join(', ')}.</p> : null}
            </ErrorAlert>
          ) : null}
          <p className="text-sm text-stone-500">Subject</p>
          <p className="mb-3 break-words font-medium text-stone-900" data-testid="preview-subject">
            {preview.data.subject}
          </p>
          <iframe title="Email body preview" sandbox="" srcDoc={`<!doctype html><meta charset="utf-8"><body>${preview.data.html}</body>`} className="h-72 w-full rounded-md border border-stone-200 bg-white" />
          {marketing ? <p className="mt-2 text-xs text-stone-500">Sent as marketing, it ends with your business's postal address and an unsubscribe link (the law asks for both).</p> : null}
        </div>
      )}
    </Card>
  );
}

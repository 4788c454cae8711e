import { useMutation } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { codeSchema, disableTwoFactorBody } from '../../../server/modules/accounts/accounts.contract';
import { validate } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { Card, SectionHeading } from '../../ui/PageHeading';
import { linkClass } from '../../ui/links';
import { useFormErrors } from '../../ui/useFormErrors';
import type { SignedInUser } from '../accounts/api';
import { useRefreshSession } from '../accounts/useMe';
import { disableTwoFactor, enableTwoFactor, setUpTwoFactor, type TwoFactorSetup } from './api';
import { useCopy } from './useCopy';

type State = { kind: 'idle' } | { kind: 'setup'; setup: TwoFactorSetup } | { kind: 'codes'; codes: string[] };

/** AUTH-6: TOTP two-step verification with one-time recovery codes. */
export function TwoFactorSection({ user }: { user: SignedInUser }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [notice, setNotice] = useState<string | null>(null);
  const start = useMutation({ mutationFn: setUpTwoFactor, onSuccess: (setup) => setState({ kind: 'setup', setup }) });
  const refresh = useRefreshSession();

  let body;
  if (state.kind === 'codes') {
    body = (
      <RecoveryCodes
        codes={state.codes}
        onDone={() => {
          setState({ kind: 'idle' });
          setNotice('Two-step verification is on.');
        }}
      />
    );
  } else if (state.kind === 'setup') {
    body = (
      <SetupSteps
        setup={state.setup}
        onEnabled={(codes) => {
          setState({ kind: 'codes', codes });
          // It is on from this moment: the badge says so while the codes are shown, and stays so if the person leaves.
          void refresh();
        }}
        onCancel={() => setState({ kind: 'idle' })}
      />
    );
  } else if (user.twoFactorEnabled) {
    body = <DisableForm onDisabled={() => setNotice('Two-step verification is off.')} />;
  } else {
    body = (
      <div className="space-y-4">
        {start.isError ? <ErrorAlert>{start.error.message}</ErrorAlert> : null}
        <Button onClick={() => { setNotice(null); start.mutate(); }} pending={start.isPending} pendingLabel="Preparing…">
          Set up two-step verification
        </Button>
      </div>
    );
  }

  return (
    <Card labelledBy="profile-2fa">
      <SectionHeading
        id="profile-2fa"
        description="After your password or emailed code, Kestrel also asks for a code from an authenticator app such as 1Password, Google Authenticator or Aegis."
      >
        Two-step verification{' '}
        <span className={`ml-2 rounded-full px-2 py-0.5 align-middle text-xs font-medium ${user.twoFactorEnabled ? 'bg-teal-100 text-teal-900' : 'bg-stone-100 text-stone-600'}`}>
          {user.twoFactorEnabled ? 'On' : 'Off'}
        </span>
      </SectionHeading>
      {notice && state.kind === 'idle' ? <StatusNote className="mb-4">{notice}</StatusNote> : null}
      {body}
    </Card>
  );
}

function SetupSteps({ setup, onEnabled, onCancel }: { setup: TwoFactorSetup; onEnabled: (codes: string[]) => void; onCancel: () => void }) {
  const [code, setCode] = useState('');
  const { copied, copy } = useCopy();
  const errors = useFormErrors(['code']);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const mutation = useMutation({ mutationFn: enableTwoFactor, onSuccess: (r) => onEnabled(r.recoveryCodes), onError: (e) => errors.showError(e) });
  const grouped = setup.secret.replace(/(.{4})/g, '$1 ').trim();
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // An SVG as a data: URL (the CSP allows img data:), drawn here: the secret never leaves the page.
    QRCode.toString(setup.otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then(
      (svg) => live && setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      () => live && setQr(null),
    );
    return () => {
      live = false;
    };
  }, [setup.otpauthUrl]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(codeSchema, code.replace(/\s+/g, ''));
    if (!checked.ok) return errors.showFields({ code: 'Enter the 6-digit code your app shows.' });
    errors.clear();
    mutation.mutate({ code: checked.data });
  };
  return (
    <div className="space-y-6">
      <h3 ref={headingRef} tabIndex={-1} className="font-medium text-stone-900 focus:outline-none">
        Add Kestrel to your authenticator app
      </h3>
      <ol className="list-decimal space-y-4 pl-5 text-sm text-stone-700">
        <li>
          Scan this code with your authenticator app:
          {qr ? (
            <img src={qr} alt="QR code to add Kestrel to an authenticator app" width={176} height={176} className="mt-2 block size-44 rounded-md border border-stone-200 bg-white" />
          ) : (
            <div aria-hidden="true" className="mt-2 size-44 animate-pulse rounded-md bg-stone-100" />
          )}
          <p className="mt-3">
            On this device,{' '}
            <a href={setup.otpauthUrl} className={linkClass}>
              open the setup link in your authenticator app
            </a>
            , or type this key into the app instead:
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code aria-label="Setup key" className="rounded-md bg-stone-100 px-3 py-2 font-mono text-base tracking-wider break-all text-stone-900">
              {grouped}
            </code>
            <Button variant="secondary" size="sm" onClick={() => copy('secret', setup.secret)}>
              {copied === 'secret' ? 'Copied' : 'Copy key'}
            </Button>
          </div>
        </li>
        <li>
          Enter the 6-digit code the app now shows for Kestrel.
          <form ref={errors.formRef} onSubmit={submit} noValidate className="mt-3 max-w-xs space-y-3">
            {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
            <TextField label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} error={errors.fields.code} className="font-mono" />
            <div className="flex gap-2">
              <Button type="submit" pending={mutation.isPending} pendingLabel="Turning on…">
                Turn on
              </Button>
              <Button variant="ghost" onClick={onCancel}>
                Cancel
              </Button>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const refresh = useRefreshSession();
  const { copied, copy } = useCopy();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [downloadUrl, setDownloadUrl] = useState<string | null>(null);
  const text = `Kestrel recovery codes\nEach code works once. Keep them somewhere safe.\n\n${codes.join('\n')}\n`;
  useEffect(() => {
    headingRef.current?.focus();
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    setDownloadUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [text]);
  const done = useMutation({
    mutationFn: () => refresh(),
    onSettled: onDone,
  });
  return (
    <div className="space-y-4">
      <h3 ref={headingRef} tabIndex={-1} className="font-medium text-stone-900 focus:outline-none">
        Save your recovery codes
      </h3>
      <p className="text-sm text-stone-700">
        If you lose your phone, each of these codes lets you sign in once. This is the only time we show them.
      </p>
      <ul aria-label="Recovery codes" className="grid max-w-md grid-cols-2 gap-2 rounded-lg bg-stone-100 p-4 font-mono text-sm text-stone-900">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" onClick={() => copy('codes', codes.join('\n'))}>
          {copied === 'codes' ? 'Copied' : 'Copy codes'}
        </Button>
        {downloadUrl ? (
          <a href={downloadUrl} download="kestrel-recovery-codes.txt" className={buttonClass('secondary')}>
            Download as text file
          </a>
        ) : null}
        <Button onClick={() => done.mutate()} pending={done.isPending} pendingLabel="Finishing…">
          I have saved them
        </Button>
      </div>
    </div>
  );
}

function DisableForm({ onDisabled }: { onDisabled: () => void }) {
  const refresh = useRefreshSession();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const errors = useFormErrors(['code']);
  const mutation = useMutation({
    mutationFn: disableTwoFactor,
    onSuccess: async () => {
      await refresh();
      onDisabled();
    },
    onError: (e) => errors.showError(e),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(disableTwoFactorBody, { code: code.replace(/\s+/g, '') });
    if (!checked.ok) return errors.showFields({ code: 'Enter a code from your app, or a recovery code.' });
    errors.clear();
    mutation.mutate(checked.data);
  };
  if (!open) {
    return (
      <Button variant="danger" onClick={() => setOpen(true)}>
        Turn off two-step verification
      </Button>
    );
  }
  return (
    <form ref={errors.formRef} onSubmit={submit} noValidate className="max-w-xs space-y-3">
      {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
      <TextField
        label="Code to confirm"
        name="code"
        hint="A code from your authenticator app, or a recovery code."
        autoComplete="one-time-code"
        autoFocus
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={errors.fields.code}
        className="font-mono"
      />
      <div className="flex gap-2">
        <Button type="submit" variant="danger" pending={mutation.isPending} pendingLabel="Turning off…">
          Turn off
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

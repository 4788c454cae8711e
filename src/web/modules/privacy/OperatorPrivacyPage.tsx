import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { fetchOperatorPrivacy } from './api';
import { PublicPrivacyPage, Subprocessors } from './PublicPrivacyPage';

const period = (days: number) => (days % 365 === 0 && days >= 365 ? `${days / 365} year${days === 365 ? '' : 's'}` : `${days} day${days === 1 ? '' : 's'}`);

/**
 * PRIV-9, operator-wide: the installation's privacy page, linked from the sign-in page and every
 * workspace's page. Everything on it is read from the live configuration when it opens.
 */
export function OperatorPrivacyPage() {
  const page = useQuery({ queryKey: ['operator-privacy'], queryFn: fetchOperatorPrivacy, retry: false });
  return (
    <PublicPrivacyPage title="Privacy" page={page}>
      {(data) => (
        <div className="mt-6 space-y-6 text-stone-700">
          <section aria-labelledby="who-heading" className="space-y-2">
            <h2 id="who-heading" className="text-lg font-semibold text-stone-900">
              Who runs this service
            </h2>
            <p>
              {data.operator.name ?? 'The operator of this service'} runs this Kestrel installation and is responsible for the data kept in it.
              {data.operator.email ? (
                <>
                  {' '}
                  Write to{' '}
                  <a className="font-medium text-teal-800 underline" href={`mailto:${data.operator.email}`}>
                    {data.operator.email}
                  </a>{' '}
                  about your data.
                </>
              ) : null}
            </p>
            <p>You can download everything held about you from Settings → Data once signed in, and delete your account there.</p>
          </section>
          <section aria-labelledby="subprocessors-heading" className="space-y-2">
            <h2 id="subprocessors-heading" className="text-lg font-semibold text-stone-900">
              Services that process your data
            </h2>
            <Subprocessors items={data.subprocessors} />
            <p className="text-sm text-stone-500">Each workspace may switch on more services of its own; its own privacy page lists them.</p>
          </section>
          <section aria-labelledby="retention-heading" className="space-y-2">
            <h2 id="retention-heading" className="text-lg font-semibold text-stone-900">
              How long data is kept
            </h2>
            <ul className="list-disc space-y-1 pl-5">
              {data.retention.map((r) => (
                <li key={r.what}>
                  {r.what}: {period(r.days)}
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="storage-heading" className="space-y-2">
            <h2 id="storage-heading" className="text-lg font-semibold text-stone-900">
              Where data is kept
            </h2>
            {data.storage.map((s) => (
              <p key={s}>{s}</p>
            ))}
          </section>
          <p className="text-sm text-stone-500">This page is read from the service’s live settings each time it opens. No advertising or tracking services are used.</p>
          <Link to="/sign-in" className="text-sm font-medium text-teal-800 underline">
            Sign in
          </Link>
        </div>
      )}
    </PublicPrivacyPage>
  );
}

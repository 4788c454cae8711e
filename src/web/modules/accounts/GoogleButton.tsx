import { googleStartUrl } from './api';

/** AUTH-4: a full-page navigation to Google; the server sends the person back afterwards. */
export function GoogleButton({ returnTo }: { returnTo?: string | null | undefined }) {
  return (
    <a
      href={googleStartUrl(returnTo)}
      className="inline-flex w-full items-center justify-center gap-3 rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50"
    >
      <svg viewBox="0 0 24 24" aria-hidden="true" className="size-4">
        <path fill="#4285F4" d="M23.5 12.3c0-.8-.1-1.6-.2-2.3H12v4.5h6.5a5.6 5.6 0 0 1-2.4 3.6v3h3.9c2.2-2.1 3.5-5.1 3.5-8.8z" />
        <path fill="#34A853" d="M12 24c3.2 0 6-1.1 8-2.9l-3.9-3c-1.1.7-2.5 1.2-4.1 1.2-3.1 0-5.8-2.1-6.7-5H1.3v3.1A12 12 0 0 0 12 24z" />
        <path fill="#FBBC05" d="M5.3 14.3a7.2 7.2 0 0 1 0-4.6V6.6h-4a12 12 0 0 0 0 10.8l4-3.1z" />
        <path fill="#EA4335" d="M12 4.8c1.8 0 3.3.6 4.6 1.8l3.4-3.4A12 12 0 0 0 1.3 6.6l4 3.1c.9-2.9 3.6-4.9 6.7-4.9z" />
      </svg>
      Continue with Google
    </a>
  );
}

const googleErrors: Record<string, string> = {
  google_denied: 'Google sign-in was cancelled. You can try again or sign in another way.',
  google_state_invalid: 'That Google sign-in took too long or was started in another browser. Please try again.',
  google_email_unverified: 'Your Google account’s email address is not verified, so we cannot use it to sign you in.',
  google_failed: 'Google did not confirm who you are. Please try again, or sign in another way.',
  google_not_configured: 'Sign-in with Google is not switched on for this Kestrel server. Sign in with your email instead.',
  rate_limited: 'Too many sign-in attempts. Wait a minute and try again.',
};

export function googleErrorMessage(code: string): string {
  return googleErrors[code] ?? 'Signing in with Google did not work. Please try again, or sign in another way.';
}

export function OrDivider() {
  return (
    <div className="relative mb-4 text-center text-xs text-stone-500" aria-hidden="true">
      <span className="absolute inset-x-0 top-1/2 border-t border-stone-200" />
      <span className="relative bg-white px-2">or</span>
    </div>
  );
}

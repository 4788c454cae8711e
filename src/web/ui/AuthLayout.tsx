import type { ReactNode } from 'react';
import { Logo } from './Logo';

/** The calm, centred frame of every signed-out page. */
export function AuthLayout({ children, footer }: { children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col bg-stone-50">
      <header className="px-4 py-5 sm:px-8">
        <Logo />
      </header>
      <main id="main" className="flex flex-1 items-start justify-center px-4 pb-16 sm:pt-8">
        <div className="w-full max-w-md">
          <div className="rounded-xl border border-stone-200 bg-white p-6 shadow-sm sm:p-8">{children}</div>
          {footer ? <div className="mt-6 text-center text-sm text-stone-600">{footer}</div> : null}
        </div>
      </main>
    </div>
  );
}

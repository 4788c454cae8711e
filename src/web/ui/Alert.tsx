import { forwardRef, type ReactNode } from 'react';

/** An error for the whole form or page; announced at once and focusable so focus can move to it. */
export const ErrorAlert = forwardRef<HTMLDivElement, { children: ReactNode; title?: string; className?: string }>(function ErrorAlert({ children, title, className = '' }, ref) {
  return (
    <div ref={ref} role="alert" tabIndex={-1} className={`rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 ${className}`}>
      {title ? <p className="font-semibold">{title}</p> : null}
      <div>{children}</div>
    </div>
  );
});

/** A calm confirmation ("Saved.", "We sent a code…"), announced politely. */
export function StatusNote({ children, className = '' }: { children: ReactNode; className?: string }) {
  return (
    <div role="status" className={`rounded-md border border-teal-200 bg-teal-50 px-4 py-3 text-sm text-teal-900 ${className}`}>
      {children}
    </div>
  );
}

export function InfoNote({ children, className = '' }: { children: ReactNode; className?: string }) {
  return <div className={`rounded-md border border-stone-200 bg-stone-50 px-4 py-3 text-sm text-stone-700 ${className}`}>{children}</div>;
}

import { useEffect, type ReactNode } from 'react';

/**
 * The page's h1. It is focusable (not tabbable) so the router can move focus here after each
 * navigation, which tells screen reader users where they landed.
 */
export function PageHeading({ children, description, actions }: { children: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    if (typeof children === 'string') document.title = `${children} · Kestrel`;
  }, [children]);
  return (
    <div className="mb-6 flex flex-wrap items-start justify-between gap-3">
      <div>
        <h1 tabIndex={-1} data-page-heading="" className="text-2xl font-semibold tracking-tight text-stone-900 focus:outline-none">
          {children}
        </h1>
        {description ? <p className="mt-1 text-sm text-stone-600">{description}</p> : null}
      </div>
      {actions}
    </div>
  );
}

export function SectionHeading({ children, id, description }: { children: ReactNode; id?: string; description?: ReactNode }) {
  return (
    <div className="mb-4">
      <h2 id={id} tabIndex={-1} className="text-lg font-semibold text-stone-900 focus:outline-none">
        {children}
      </h2>
      {description ? <p className="mt-1 text-sm text-stone-600">{description}</p> : null}
    </div>
  );
}

export function Card({ children, className = '', labelledBy }: { children: ReactNode; className?: string; labelledBy?: string }) {
  return (
    <section aria-labelledby={labelledBy} className={`rounded-lg border border-stone-200 bg-white p-4 shadow-sm sm:p-6 ${className}`}>
      {children}
    </section>
  );
}

import { useEffect, useRef, type ReactNode } from 'react';

/**
 * An h1 for a step that replaces the page's content without a route change (the code step
 * after sign-up, for example); focus moves to it when it appears.
 */
export function FocusHeading({ children, className = '' }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
    if (typeof children === 'string') document.title = `${children} · Kestrel`;
  }, [children]);
  return (
    <h1 ref={ref} tabIndex={-1} data-page-heading="" className={`text-2xl font-semibold tracking-tight text-stone-900 focus:outline-none ${className}`}>
      {children}
    </h1>
  );
}

/** The h1 of a page; the router focuses it after navigation. */
export function AuthHeading({ children, description }: { children: string; description?: ReactNode }) {
  useEffect(() => {
    document.title = `${children} · Kestrel`;
  }, [children]);
  return (
    <div className="mb-6">
      <h1 tabIndex={-1} data-page-heading="" className="text-2xl font-semibold tracking-tight text-stone-900 focus:outline-none">
        {children}
      </h1>
      {description ? <p className="mt-2 text-sm text-stone-600">{description}</p> : null}
    </div>
  );
}

import { useId, type ReactNode } from 'react';

export const linkCls = 'font-medium text-teal-700 hover:underline';

/** One cockpit section: a card with a heading (its accessible name), a figure, and a way to the full list. */
export function Card({ title, figure, more, children, wide }: { title: string; figure?: ReactNode; more?: ReactNode; children: ReactNode; wide?: boolean }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className={`flex min-w-0 flex-col rounded-lg border border-stone-200 bg-white p-4 shadow-sm ${wide ? 'lg:col-span-2' : ''}`}>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <h2 id={id} className="text-base font-semibold text-stone-900">
          {title}
        </h2>
        {figure ? <p className="text-sm text-stone-600">{figure}</p> : null}
      </div>
      <div className="flex-1">{children}</div>
      {more ? <div className="mt-3 border-t border-stone-100 pt-2 text-sm">{more}</div> : null}
    </section>
  );
}

export const Empty = ({ children }: { children: ReactNode }) => <p className="text-sm text-stone-500">{children}</p>;

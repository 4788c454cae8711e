import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

export const navLinkClass =
  'flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium text-stone-700 hover:bg-stone-100 aria-[current=page]:bg-teal-50 aria-[current=page]:text-teal-900';

/** One entry of the side navigation: `/w/<id><path>`, its 20×20 line icon (the shapes inside the svg), its label and an optional badge. */
export function NavItem({ workspaceId, path, label, icon, exact, badge }: { workspaceId: string; path: string; label: string; icon: ReactNode; exact?: boolean; badge?: ReactNode }) {
  return (
    <li>
      {/* Typed by path: most destinations belong to other modules and may register later. */}
      <Link to={`/w/${workspaceId}${path}` as '/'} activeOptions={exact ? { exact: true } : undefined} className={navLinkClass}>
        <svg viewBox="0 0 20 20" aria-hidden="true" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
          {icon}
        </svg>
        {label}
        {badge}
      </Link>
    </li>
  );
}

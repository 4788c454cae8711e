import { useRouterState } from '@tanstack/react-router';
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * A button that shows and hides a panel (the disclosure pattern): Escape closes it and returns
 * focus to the button, a click outside closes it, and so does moving to another page.
 */
export function useDisclosure() {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const pathname = useRouterState({ select: (s) => s.location.pathname });

  useEffect(() => setOpen(false), [pathname]);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panelRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  const close = useCallback(() => setOpen(false), []);
  const buttonProps = {
    ref: buttonRef,
    type: 'button' as const,
    'aria-expanded': open,
    'aria-controls': panelId,
    onClick: () => setOpen((v) => !v),
  };
  const panelProps = { ref: panelRef, id: panelId };
  return { open, close, buttonProps, panelProps };
}

/** A small dropdown panel anchored under its button. */
export function DropdownPanel({ open, panelProps, children, align = 'left', label }: { open: boolean; panelProps: ReturnType<typeof useDisclosure>['panelProps']; children: ReactNode; align?: 'left' | 'right'; label: string }) {
  return (
    <div
      {...panelProps}
      role="group"
      aria-label={label}
      hidden={!open}
      className={`absolute top-full z-30 mt-2 w-72 max-w-[calc(100vw-1.5rem)] rounded-lg border border-stone-200 bg-white p-1 shadow-lg ${align === 'right' ? 'right-0' : 'left-0'}`}
    >
      {children}
    </div>
  );
}

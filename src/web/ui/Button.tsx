import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Spinner } from './Spinner';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

/**
 * Disabled looks the same for every variant: a flat stone face with a dashed edge, so it reads as
 * "not now" rather than as a faded colour, and its text keeps WCAG AA contrast (stone-600 on
 * stone-100 is 7.0:1; the old faded teal with white text was 2.9:1).
 */
const disabled = 'disabled:border disabled:border-dashed disabled:border-stone-400 disabled:bg-stone-100 disabled:text-stone-600 disabled:shadow-none';

const variants: Record<Variant, string> = {
  primary: `border border-transparent bg-teal-700 text-white hover:bg-teal-800 ${disabled}`,
  secondary: `border border-stone-300 bg-white text-stone-800 hover:bg-stone-50 ${disabled}`,
  danger: `border border-red-200 bg-white text-red-700 hover:bg-red-50 ${disabled}`,
  ghost: `border border-transparent text-stone-700 hover:bg-stone-100 ${disabled}`,
};

export const buttonClass = (variant: Variant = 'primary', size: 'sm' | 'md' = 'md') =>
  `inline-flex items-center justify-center gap-2 rounded-md font-medium transition-colors disabled:cursor-not-allowed ${
    size === 'sm' ? 'px-2.5 py-1.5 text-sm' : 'px-4 py-2 text-sm'
  } ${variants[variant]}`;

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: 'sm' | 'md';
  /** While true the button is disabled and shows `pendingLabel` with a spinner. */
  pending?: boolean;
  pendingLabel?: ReactNode;
}

export function Button({ variant = 'primary', size = 'md', pending = false, pendingLabel = 'Saving…', disabled, className = '', children, type = 'button', ...rest }: ButtonProps) {
  return (
    <button type={type} disabled={disabled || pending} aria-busy={pending || undefined} className={`${buttonClass(variant, size)} ${className}`} {...rest}>
      {pending ? (
        <>
          <Spinner />
          {pendingLabel}
        </>
      ) : (
        children
      )}
    </button>
  );
}

export const linkClass = 'font-medium text-teal-700 underline-offset-2 hover:underline';

/** Only same-site paths may be used as a destination after sign-in. */
export function safeRedirect(target: string | undefined | null): string | null {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return null;
  return target;
}

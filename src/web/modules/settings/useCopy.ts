import { useCallback, useEffect, useState } from 'react';
import { announce } from '../../ui/Announcer';

/** Copies text and says so for a moment ("Copied"), for sighted and screen reader users alike. */
export function useCopy() {
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  const copy = useCallback(async (key: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(key);
      announce('Copied to the clipboard.');
    } catch {
      announce('Copying did not work. Select the text and copy it yourself.');
    }
  }, []);
  return { copied, copy };
}

import { useEffect, useState } from 'react';

/** The value as it was once it stopped changing for `ms` (typing in a search box asks the server once, not per key). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

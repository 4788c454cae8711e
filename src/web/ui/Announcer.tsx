import { useEffect, useState } from 'react';

/**
 * One polite live region for the whole app. Anything can call `announce()`; the text is read
 * by screen readers without moving focus. Route changes announce the new page's title.
 */
type Listener = (message: string) => void;
const listeners = new Set<Listener>();

export function announce(message: string): void {
  for (const listener of listeners) listener(message);
}

export function Announcer() {
  const [message, setMessage] = useState('');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const listener: Listener = (next) => {
      // Clearing first makes a repeated message be read again.
      setMessage('');
      clearTimeout(timer);
      timer = setTimeout(() => setMessage(next), 50);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      clearTimeout(timer);
    };
  }, []);
  return (
    <div aria-live="polite" aria-atomic="true" role="status" className="sr-only" data-testid="announcer">
      {message}
    </div>
  );
}

/** The widget's calls to Kestrel's public widget API (CONV-1). No cookies: the visitor token is the session. */
export interface Message {
  id: string;
  seq: number;
  author: 'visitor' | 'assistant' | 'staff' | 'system';
  authorName: string | null;
  body: string;
  clientId: string | null;
  sources: { title: string; url: string | null }[];
  createdAt: string;
}
export interface Config {
  title: string;
  greeting: string;
  accentColor: string;
  position: 'right' | 'left';
  privacyNotice: string | null;
  privacyUrl: string | null;
  openNow: boolean;
  assistant: boolean;
  bookingPath: string | null;
}
export interface Session {
  token: string;
  conversationId: string;
  status: string;
  holder: string;
  rating: number | null;
  messages: Message[];
}

export function client(base: string, workspace: string) {
  const root = `${base}/api/widget/${workspace}`;
  async function call<T>(path: string, body?: unknown): Promise<T> {
    const res = await fetch(root + path, body === undefined ? { credentials: 'omit' } : { method: 'POST', credentials: 'omit', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(json?.error?.message ?? `HTTP ${res.status}`), { status: res.status });
    return json as T;
  }
  return {
    config: () => call<Config>('/config'),
    start: (token: string | null) => call<Session>('/conversations', { ...(token ? { token } : {}), page: location.href.slice(0, 2000) }),
    send: (token: string, clientId: string, body: string) => call<Message>('/messages', { token, clientId, body }),
    handoff: (token: string) => call('/handoff', { token }),
    contact: (token: string, name: string, email: string, consent: boolean) => call('/contact', { token, name, email, consent }),
    rate: (token: string, rating: number) => call('/rating', { token, rating }),
    stream: (token: string, after: number) => new EventSource(`${root}/messages?token=${encodeURIComponent(token)}&after=${after}`),
  };
}

import { client, type Config, type Message, type Session } from './api';
import { h } from './dom';
import { css } from './styles';
import { Thread } from './thread';

/**
 * CONV-1: the website chat widget. One script tag; everything lives in a shadow root. The visitor
 * token is kept in localStorage so the conversation survives page loads; messages waiting to be
 * sent are kept there too, with their client id, so a resend after a network drop lands once.
 */
const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-workspace][src*="widget"]');
const workspace = script?.dataset.workspace ?? '';
const base = script ? new URL(script.src).origin : '';
const KEY = `kestrel-chat:${workspace}`;

interface Stored {
  token: string | null;
  outbox: { clientId: string; body: string }[];
  /** Name and email were left: outside business hours the form is not put in front of them again. */
  contactLeft?: boolean;
}
const load = (): Stored => {
  try {
    return { token: null, outbox: [], ...JSON.parse(localStorage.getItem(KEY) ?? '{}') };
  } catch {
    return { token: null, outbox: [] };
  }
};
const save = (s: Stored) => {
  try {
    localStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    /* private mode: the conversation lasts this page */
  }
};
const newId = () => Date.now().toString(36) + Math.random().toString(36).slice(2, 10);

async function boot(): Promise<void> {
  if (!workspace || document.querySelector('kestrel-chat')) return;
  const api = client(base, workspace);
  let config: Config;
  try {
    config = await api.config();
  } catch {
    return; // Not set up, or this site is not allowed: the widget stays away.
  }
  const state = load();
  let session: Session | null = null;
  let stream: EventSource | null = null;
  let lastSeq = 0;
  const thread = new Thread();
  /** The visitor's messages shown before they are saved, by client id. */
  const pendingEls = new Map<string, HTMLElement>();

  const host = document.createElement('kestrel-chat');
  const root = host.attachShadow({ mode: 'open' });
  root.append(h('style', {}, css));
  const wrap = h('div', { class: `k-wrap k-${config.position}` });
  wrap.style.setProperty('--k-accent', config.accentColor);
  const launch = h('button', { class: 'k-launch', type: 'button', 'aria-label': `Open chat: ${config.title}`, 'aria-expanded': 'false', 'aria-controls': 'k-panel' });
  launch.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
  const log = h('div', { class: 'k-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages', tabindex: '0' });
  const input = h('textarea', { id: 'k-input', rows: '1', maxlength: '4000', placeholder: 'Write a message…', 'aria-label': 'Your message' });
  const send = h('button', { class: 'k-btn', type: 'submit' }, 'Send');
  const person = h('button', { class: 'k-link', type: 'button' }, 'Talk to a person');
  const leave = h('button', { class: 'k-link', type: 'button' }, 'Leave your email');
  const status = h('p', { class: 'k-sr', role: 'status' });
  const form = h('form', { class: 'k-row' }, input, send);
  const close = h('button', { type: 'button', 'aria-label': 'Close chat' }, '×');
  const panel = h(
    'div',
    { class: 'k-panel', id: 'k-panel', role: 'dialog', 'aria-label': config.title, hidden: true },
    h('div', { class: 'k-head' }, h('h2', {}, config.title), close),
    !config.openNow && h('p', { class: 'k-note' }, "We're away right now. Leave a message and your email, and we'll reply later."),
    log,
    h(
      'div',
      { class: 'k-foot' },
      form,
      h(
        'div',
        { class: 'k-row' },
        person,
        leave,
        // CONV-5, AI-8: with no assistant to book in the chat, the booking page is one click away.
        !config.assistant && config.bookingPath && h('a', { class: 'k-link', href: base + config.bookingPath, target: '_blank', rel: 'noopener' }, 'Book a time'),
      ),
      status,
    ),
  );
  wrap.append(panel, launch);
  root.append(wrap);
  document.body.append(host);

  const announce = (t: string) => (status.textContent = t);
  const scroll = () => (log.scrollTop = log.scrollHeight);

  function render(m: Message | { id: string; author: 'visitor'; body: string; pending: true }): void {
    const action = 'pending' in m ? thread.pending(m.id) : thread.saved(m);
    if (action === 'skip') return;
    const el = h('div', { class: `k-msg k-${m.author}${'pending' in m ? ' k-pending' : ''}` });
    if (!('pending' in m) && m.authorName && (m.author === 'staff' || m.author === 'assistant')) el.append(h('span', { class: 'k-who' }, m.authorName));
    el.append(m.body);
    if (!('pending' in m) && m.sources.length) {
      const src = h('span', { class: 'k-src' }, 'Sources: ');
      m.sources.forEach((s, i) => {
        if (i) src.append(', ');
        src.append(s.url && /^https?:/.test(s.url) ? h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer' }, s.title) : s.title);
      });
      el.append(src);
    }
    if ('pending' in m) pendingEls.set(m.id, el);
    const replaced = !('pending' in m) && m.clientId ? pendingEls.get(m.clientId) : undefined;
    if (action === 'replace' && replaced) {
      // Where the visitor saw it written, so a reply that came first stays below it.
      replaced.replaceWith(el);
      pendingEls.delete((m as Message).clientId!);
    } else log.append(el);
    if (!('pending' in m)) {
      lastSeq = Math.max(lastSeq, m.seq);
      if (m.author === 'system' && /resolved/.test(m.body)) showRating();
    }
    scroll();
  }

  function showRating(): void {
    if (session?.rating || root.querySelector('.k-rate')) return;
    const row = h('div', { class: 'k-rate', role: 'group', 'aria-label': 'Rate this conversation from 1 to 5' });
    for (let i = 1; i <= 5; i++) {
      row.append(
        h('button', { type: 'button', 'aria-label': `${i} out of 5`, onclick: () => void api.rate(session!.token, i).then(() => row.replaceWith(h('p', { class: 'k-system k-msg' }, 'Thanks for your rating!'))).catch(() => {}) }, String(i)),
      );
    }
    log.append(row);
    scroll();
  }

  let flushing: Promise<void> | null = null;
  /** Sends the waiting messages in order, one flush at a time (the stream's open, a submit and a session start all ask). */
  function flush(): Promise<void> {
    flushing ??= sendWaiting().finally(() => (flushing = null));
    return flushing;
  }
  async function sendWaiting(): Promise<void> {
    if (!session) return;
    while (state.outbox.length) {
      const next = state.outbox[0]!;
      if (!thread.isSaved(next.clientId)) {
        try {
          render(await api.send(session.token, next.clientId, next.body));
        } catch (e) {
          const status = (e as { status?: number }).status;
          if (!status || status >= 500 || status === 429) {
            setTimeout(() => void flush(), 3000);
            return;
          }
          // Refused for good (too long, say): do not retry forever.
          // Its text goes back into the box to be changed and sent again.
          pendingEls.get(next.clientId)?.remove();
          pendingEls.delete(next.clientId);
          if (!input.value) input.value = next.body;
          announce((e as Error).message);
        }
      }
      state.outbox = state.outbox.filter((o) => o.clientId !== next.clientId);
      save(state);
    }
  }

  function listen(): void {
    stream?.close();
    stream = api.stream(session!.token, lastSeq);
    // EventSource reconnects by itself and sends Last-Event-ID, so nothing is lost or repeated.
    stream.addEventListener('message', (e) => render(JSON.parse((e as MessageEvent).data)));
    stream.addEventListener('open', () => void flush());
  }

  let starting: Promise<void> | null = null;
  /**
   * One session however many ask at once: opening the chat and sending straight away both ask, and
   * two starts would make two conversations — the message sent in one, the stream on the other,
   * and the answer never shown.
   */
  function ensureSession(): Promise<void> {
    if (session) return Promise.resolve();
    starting ??= startSession().finally(() => (starting = null));
    return starting;
  }

  async function startSession(): Promise<void> {
    try {
      session = await api.start(state.token);
    } catch {
      session = null;
      return;
    }
    state.token = session.token;
    save(state);
    session.messages.forEach(render);
    // Sent before the page went away, answer unseen: saved already, so neither shown twice nor sent again.
    state.outbox = state.outbox.filter((o) => !thread.isSaved(o.clientId));
    save(state);
    for (const o of state.outbox) render({ id: o.clientId, author: 'visitor', body: o.body, pending: true });
    if (session.status === 'resolved' && !session.rating) showRating();
    listen();
    void flush();
  }

  function contactForm(): void {
    if (root.querySelector('.k-form')) return (root.querySelector('.k-form input') as HTMLInputElement | null)?.focus();
    const name = h('input', { type: 'text', required: true, maxlength: '200', autocomplete: 'name' });
    const email = h('input', { type: 'email', required: true, maxlength: '254', autocomplete: 'email' });
    const consent = h('input', { type: 'checkbox' });
    const f = h(
      'form',
      { class: 'k-form', 'aria-label': 'Leave your contact details' },
      h('label', {}, 'Name', name),
      h('label', {}, 'Email', email),
      h('label', { class: 'k-check' }, consent, 'You may contact me about my request and offers.'),
      // PRIV-10: the chat is not meant for children, whatever else the notice says.
      h('p', { class: 'k-privacy' }, config.privacyNotice ?? '', ' ', config.privacyUrl && /^https?:/.test(config.privacyUrl) ? h('a', { href: config.privacyUrl, target: '_blank', rel: 'noopener noreferrer' }, 'Privacy notice') : null, ' ', 'This chat is not meant for children under 18.'),
      h('button', { class: 'k-btn', type: 'submit' }, 'Send my details'),
    );
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      void ensureSession().then(() =>
        api
          .contact(session!.token, name.value, email.value, consent.checked)
          .then(() => {
            f.remove();
            state.contactLeft = true;
            save(state);
            input.focus();
          })
          .catch((err: Error) => announce(err.message)),
      );
    });
    log.append(f);
    scroll();
    name.focus();
  }

  function setOpen(open: boolean): void {
    panel.hidden = !open;
    wrap.classList.toggle('k-open', open);
    launch.setAttribute('aria-expanded', String(open));
    if (open) {
      void ensureSession().then(() => {
        if (!config.openNow && !state.contactLeft && !session?.messages.some((m) => m.author === 'visitor')) contactForm();
      });
      input.focus();
    } else launch.focus();
  }

  launch.addEventListener('click', () => setOpen(panel.hidden));
  close.addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') setOpen(false);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = input.value.trim();
    if (!body) return;
    input.value = '';
    const item = { clientId: newId(), body };
    state.outbox.push(item);
    save(state);
    render({ id: item.clientId, author: 'visitor', body, pending: true });
    void ensureSession().then(() => flush());
  });
  person.addEventListener('click', () => void ensureSession().then(() => session && api.handoff(session.token).catch(() => {})));
  leave.addEventListener('click', contactForm);
  // A returning visitor with a conversation sees it at once on opening; start nothing until then.
  if (state.token) void ensureSession();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void boot());
else void boot();

import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../lib/api';
import { postEventStream, streamError } from '../../lib/eventStream';
import { announce } from '../../ui/Announcer';
import type { BrowserKey } from '../ai/browser-key/browserKey';
import { askPath, brainKeys, type AskAnswer, type BrainMessage, type Conversation, type RunEvent } from './api';

/** Earlier turns sent with a follow-up in browser-key mode (the server keeps as many in its own mode). */
const HISTORY_MESSAGES = 12;

export interface AskState {
  /** Which conversation the question went to (null: a new one). */
  conversationId: string | null;
  question: string;
  /** The answer as it is written (the current step's text; a new step starts it over). */
  text: string;
  /** What the brain is doing now: "Searched the timeline: 4 matches". */
  events: RunEvent[];
}

/**
 * AI-3: asks a question and streams the answer in. When it is done, the conversation in the
 * cache gets the question and the answer (with its checked citations), and `onAnswered` says
 * where it went. With a personal key kept in this browser (AI-1), the page calls the provider
 * itself and the server runs the searches and keeps the turn.
 */
export function useAsk(workspaceId: string, browserKey: BrowserKey | null, onAnswered: (conversationId: string, wasNew: boolean) => void) {
  const client = useQueryClient();
  const [asking, setAsking] = useState<AskState | null>(null);
  const [error, setError] = useState<{ conversationId: string | null; question: string; error: ApiError } | null>(null);
  const controller = useRef<AbortController | null>(null);
  const answered = useRef(onAnswered);
  answered.current = onAnswered;

  useEffect(() => () => controller.current?.abort(), []);

  const ask = useCallback(
    async (conversationId: string | null, question: string): Promise<boolean> => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      setError(null);
      setAsking({ conversationId, question, text: '', events: [] });
      const got: { done: AskAnswer | null } = { done: null };
      const settle = (conversation: Conversation, answer: BrainMessage | undefined) => {
        void client.invalidateQueries({ queryKey: brainKeys.conversations(workspaceId) });
        setAsking(null);
        announce(!answer || answer.status === 'ok' ? 'The answer is ready.' : `No answer: ${answer.error ?? 'the brain could not answer.'}`);
        answered.current(conversation.id, conversationId === null);
      };
      try {
        if (browserKey) {
          const earlier = conversationId ? client.getQueryData<Conversation>(brainKeys.conversation(workspaceId, conversationId)) : undefined;
          const history = (earlier?.messages ?? []).filter((m) => m.status === 'ok').slice(-HISTORY_MESSAGES).map((m) => ({ role: m.role, content: m.content }));
          const { askWithBrowserKey } = await import('../ai/browser-key/askWithBrowserKey');
          const conversation = await askWithBrowserKey(browserKey, {
            workspaceId,
            conversationId,
            question,
            history,
            signal: abort.signal,
            onEvent: (event) => setAsking((s) => (s ? { ...s, events: [...s.events, event], text: event.type === 'text' ? event.text : s.text } : s)),
          });
          client.setQueryData(brainKeys.conversation(workspaceId, conversation.id), conversation);
          settle(conversation, conversation.messages.at(-1));
          return true;
        }
        await postEventStream(askPath(workspaceId, conversationId), { question }, {
          signal: abort.signal,
          onEvent: (name, data) => {
            if (name === 'delta') {
              const { text } = data as { text: string };
              setAsking((s) => (s ? { ...s, text: s.text + text } : s));
            } else if (name === 'event') {
              const event = data as RunEvent;
              // A new step means the text so far was thinking aloud before a search; the answer starts over.
              setAsking((s) => (s ? { ...s, events: [...s.events, event], text: event.type === 'step' && event.step > 1 ? '' : s.text } : s));
            } else if (name === 'done') {
              got.done = data as AskAnswer;
            } else if (name === 'error') {
              throw streamError(data);
            }
          },
        }).then((answer) => {
          // Without streaming (a proxy that strips it), the JSON is the answer.
          if (answer.kind === 'json') got.done = answer.data as AskAnswer;
        });
        const done = got.done;
        if (!done) throw new ApiError(0, 'stream_error', 'The answer was cut off. Try asking again.');
        const key = brainKeys.conversation(workspaceId, done.conversation.id);
        const conversation = client.setQueryData<Conversation>(key, (old) =>
          old ? { ...old, ...done.conversation, messages: [...old.messages, done.question, done.answer] } : { ...done.conversation, messages: [done.question, done.answer] },
        );
        settle(conversation ?? { ...done.conversation, messages: [done.question, done.answer] }, done.answer);
        return true;
      } catch (cause) {
        // Stopped: the browser-key path says so with its own error.
        if ((cause instanceof DOMException && cause.name === 'AbortError') || abort.signal.aborted) return false;
        const failure = cause instanceof ApiError ? cause : new ApiError(0, 'unknown', 'Something went wrong. Try again.');
        setAsking(null);
        setError({ conversationId, question, error: failure });
        announce(failure.message);
        // A new conversation may have been created before the failure.
        void client.invalidateQueries({ queryKey: brainKeys.conversations(workspaceId) });
        return false;
      }
    },
    [browserKey, client, workspaceId],
  );

  const stop = useCallback(() => {
    controller.current?.abort();
    controller.current = null;
    setAsking(null);
    announce('Stopped.');
    void client.invalidateQueries({ queryKey: brainKeys.all(workspaceId) });
  }, [client, workspaceId]);

  const clearError = useCallback(() => setError(null), []);

  return { asking, error, ask, stop, clearError };
}

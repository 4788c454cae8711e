import { toolLabel } from '../agents/api';
import { ErrorAlert } from '../../ui/Alert';
import { ProgressBar } from '../imports/ProgressBar';
import { AnswerText, numberCitations, SourceList, withoutPartialMarker } from './AnswerText';
import type { BrainMessage, RunEvent } from './api';
import type { AskState } from './useAsk';

/** A conversation: each question, and each answer with its numbered sources. */
export function BrainThread({ workspaceId, messages, asking }: { workspaceId: string; messages: BrainMessage[]; asking: AskState | null }) {
  return (
    <ol className="space-y-4" aria-label="Conversation">
      {messages.map((m) => (m.role === 'user' ? <Question key={m.id} text={m.content} /> : <Answer key={m.id} workspaceId={workspaceId} message={m} />))}
      {asking ? (
        <>
          <Question text={asking.question} />
          <Pending workspaceId={workspaceId} asking={asking} />
        </>
      ) : null}
    </ol>
  );
}

function Question({ text }: { text: string }) {
  return (
    <li className="flex justify-end">
      <div className="max-w-[85%] min-w-0 rounded-lg bg-teal-700 px-3 py-2 text-sm break-words whitespace-pre-wrap text-white">
        <span className="sr-only">You asked: </span>
        {text}
      </div>
    </li>
  );
}

function Answer({ workspaceId, message }: { workspaceId: string; message: BrainMessage }) {
  const sources = numberCitations(message.content, message.citations);
  return (
    <li className="min-w-0 rounded-lg border border-stone-200 bg-white p-3 shadow-sm">
      <span className="sr-only">Answer: </span>
      {message.status === 'failed' ? (
        <ErrorAlert title="No answer">{message.error ?? 'Ask could not answer this one.'}</ErrorAlert>
      ) : (
        <>
          <AnswerText workspaceId={workspaceId} content={message.content || 'No answer came back.'} sources={sources} />
          <SourceList workspaceId={workspaceId} sources={sources} />
        </>
      )}
      <Steps events={message.events} />
    </li>
  );
}

function Pending({ workspaceId, asking }: { workspaceId: string; asking: AskState }) {
  const latestTool = [...asking.events].reverse().find((e): e is Extract<RunEvent, { type: 'tool' }> => e.type === 'tool');
  const step = Math.max(0, ...asking.events.map((e) => e.step));
  const text = withoutPartialMarker(asking.text);
  return (
    <li className="min-w-0 rounded-lg border border-teal-200 bg-white p-3 shadow-sm" aria-busy="true">
      <ProgressBar value={null} label={text ? 'Writing the answer' : 'Looking through your workspace'} detail={latestTool ? `${toolLabel(latestTool.tool)}: ${latestTool.summary}` : step > 0 ? `Step ${step}` : 'Starting'} />
      {text ? (
        <div className="mt-3">
          <AnswerText workspaceId={workspaceId} content={text} sources={numberCitations(text, [])} />
        </div>
      ) : null}
    </li>
  );
}

function Steps({ events }: { events: RunEvent[] }) {
  const tools = events.filter((e): e is Extract<RunEvent, { type: 'tool' }> => e.type === 'tool');
  if (tools.length === 0) return null;
  return (
    <details className="mt-3 text-xs text-stone-600">
      <summary className="cursor-pointer">How it found this ({tools.length} {tools.length === 1 ? 'search' : 'searches'})</summary>
      <ul className="mt-1 space-y-0.5">
        {tools.map((t, i) => (
          <li key={i} className="break-words">
            {toolLabel(t.tool)}: {t.summary}
          </li>
        ))}
      </ul>
    </details>
  );
}

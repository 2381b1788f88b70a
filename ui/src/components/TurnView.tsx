import { useState } from 'react';
import type { ApprovalView, TurnView as Turn } from '../chat/reducer';
import { MemoryView, ToolCallView, VerdictView } from './Activity';
import { Markdown } from './Markdown';

const FINISH_TEXT: Record<string, string> = {
  stop: '',
  length: 'The answer was cut off at the model’s token limit.',
  content_filter: 'The provider’s content filter stopped the answer.',
  step_limit: 'The turn reached the step limit; the last tool calls were not run.',
  cancelled: 'Stopped.',
  error: 'The turn ended with an error.',
  blocked: 'The firewall blocked this message; it never reached the model.',
  other: 'The model stopped for another reason.',
};

export function traceLink(template: string | null | undefined, traceId: string): string | null {
  if (!template || !template.includes('{traceId}')) {
    return null;
  }
  return template.replaceAll('{traceId}', encodeURIComponent(traceId));
}

function TraceId({ traceId, viewer }: { traceId: string; viewer?: string | null }) {
  const [copied, setCopied] = useState(false);
  const link = traceLink(viewer, traceId);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(traceId);
    } catch {
      // clipboard blocked (plain http): select the text instead
      const range = document.createRange();
      const node = document.getElementById(`trace-${traceId}`);
      if (node) {
        range.selectNodeContents(node);
        getSelection()?.removeAllRanges();
        getSelection()?.addRange(range);
      }
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <span className="trace">
      trace{' '}
      {link ? (
        <a id={`trace-${traceId}`} href={link} target="_blank" rel="noopener noreferrer" title="Open the trace">
          {traceId.slice(0, 12)}…
        </a>
      ) : (
        <code id={`trace-${traceId}`} title={traceId}>
          {traceId.slice(0, 12)}…
        </code>
      )}
      <button type="button" className="link" onClick={copy} aria-label={`Copy trace id ${traceId}`}>
        {copied ? 'copied' : 'copy'}
      </button>
    </span>
  );
}

export function TurnBlock({
  turn,
  userText,
  traceViewer,
  onDecide,
}: {
  turn: Turn;
  userText?: string;
  traceViewer?: string | null;
  onDecide: (approval: ApprovalView, decision: 'approve' | 'deny', scope: 'once' | 'session') => void;
}) {
  const blocked = turn.items.some((i) => i.kind === 'verdict' && i.verdict.source === 'user' && i.verdict.action === 'block');
  const finish = blocked ? 'blocked' : turn.finishReason;
  const hasText = turn.items.some((i) => i.kind === 'text');
  const awaitingApproval = turn.items.some(
    (i) => i.kind === 'tool' && i.tool.approval && !i.tool.approval.resolution && i.tool.result === undefined,
  );
  return (
    <article className="turn" data-turn-id={turn.turnId} data-status={turn.status}>
      {userText !== undefined ? (
        <div className="bubble user">
          <div className="bubble-text">{userText}</div>
        </div>
      ) : null}
      <div className="bubble assistant" aria-busy={turn.status === 'running'}>
        {turn.items.map((item, i) => {
          switch (item.kind) {
            case 'text':
              return <Markdown key={i} text={item.text} />;
            case 'verdict':
              return <VerdictView key={i} verdict={item.verdict} />;
            case 'memory':
              return <MemoryView key={i} recall={item.recall} />;
            case 'tool':
              return <ToolCallView key={item.tool.toolCallId} tool={item.tool} onDecide={onDecide} />;
            case 'error':
              return (
                <div key={i} className="turn-error" role="alert">
                  <strong>{item.code}</strong>: {item.message}
                </div>
              );
          }
        })}
        {turn.status === 'running' && awaitingApproval ? <div className="thinking">Waiting for your decision…</div> : null}
        {turn.status === 'running' && !awaitingApproval && !hasText ? <div className="thinking">Working…</div> : null}
        {turn.status === 'running' && !awaitingApproval && hasText ? <span className="caret" aria-hidden="true" /> : null}
        {turn.status === 'interrupted' ? (
          <div className="turn-note">Cut off: {turn.interruptedBecause ?? 'the service stopped'}.</div>
        ) : null}
        {turn.status === 'completed' && finish && FINISH_TEXT[finish] ? (
          <div className="turn-note">{FINISH_TEXT[finish]}</div>
        ) : null}
        <footer className="turn-meta">
          <TraceId traceId={turn.traceId} viewer={traceViewer} />
          {turn.usage?.totalTokens != null ? <span>{turn.usage.totalTokens} tokens</span> : null}
          <time dateTime={turn.startedAt}>{formatTime(turn.startedAt)}</time>
        </footer>
      </div>
    </article>
  );
}

function formatTime(ts: string): string {
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

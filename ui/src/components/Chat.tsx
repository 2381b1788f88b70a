import { useCallback, useEffect, useReducer, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { NotFoundError, webSocketUrl, type Api } from '../api/client';
import { ChatConnection, newMessageId, UnauthorizedError, type ConnectionStatus, type SocketLike } from '../chat/connection';
import { chatReducer, initialChatState, runningTurn, type ApprovalView } from '../chat/reducer';
import { ConnectionBadge } from './ConnectionBadge';
import { TurnBlock } from './TurnView';

export interface ChatProps {
  api: Api;
  /** The session to re-attach to; null opens a new one. */
  sessionId: string | null;
  traceViewer?: string | null;
  onSession: (sessionId: string) => void;
  onSessionGone: () => void;
  onUnauthorized: (message: string) => void;
  /** Something changed the session list (a turn started or ended). */
  onActivity?: () => void;
}

/** One session: the conversation, what the service did, approvals, and the message box. */
export function Chat({ api, sessionId, traceViewer, onSession, onSessionGone, onUnauthorized, onActivity }: ChatProps) {
  const [state, dispatch] = useReducer(chatReducer, sessionId, initialChatState);
  const [status, setStatus] = useState<ConnectionStatus>({ state: 'idle' });
  const [loadProblem, setLoadProblem] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [sendProblem, setSendProblem] = useState<string | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const connectionRef = useRef<ChatConnection | null>(null);
  const listRef = useRef<HTMLDivElement | null>(null);
  const stickToBottom = useRef(true);
  const callbacks = useRef({ onSession, onSessionGone, onUnauthorized, onActivity });
  callbacks.current = { onSession, onSessionGone, onUnauthorized, onActivity };

  // The session this component was created for never changes (the parent keys it by session); a new session's id
  // arrives in session_ready and only updates the address.
  useEffect(() => {
    let cancelled = false;
    const connection = new ChatConnection(sessionId, {
      ticket: () => api.issueTicket(),
      url: webSocketUrl,
      socket: (url) => new WebSocket(url) as unknown as SocketLike,
      lastSeq: () => stateRef.current.lastSeq,
      onMessage: (message) => {
        dispatch({ type: 'received', message });
        const type = (message as { type?: unknown }).type;
        if (type === 'turn_started' || type === 'turn_completed' || type === 'turn_interrupted') {
          callbacks.current.onActivity?.();
        }
      },
      onMalformed: (detail) => dispatch({ type: 'malformed', detail }),
      onStatus: (next) => {
        setStatus(next);
        if (next.state === 'unauthorized') {
          callbacks.current.onUnauthorized(next.reason);
        }
        if (next.state === 'session_not_found') {
          callbacks.current.onSessionGone();
        }
      },
      onSession: (id) => callbacks.current.onSession(id),
    });
    connectionRef.current = connection;

    const load = async () => {
      if (sessionId) {
        // Show what happened so far (with the user's own messages, which only the journal's facts carry), then resume
        // the live stream after the last event shown: a turn still running goes on where the page left it.
        try {
          let after = 0;
          for (;;) {
            const page = await api.sessionEvents(sessionId, after);
            if (cancelled) return;
            dispatch({ type: 'received_many', messages: page });
            const last = page.reduce<number>((max, m) => Math.max(max, Number((m as { seq?: number }).seq) || 0), after);
            if (page.length < 10000 || last <= after) break;
            after = last;
          }
          setLoadProblem(null);
        } catch (e) {
          if (cancelled) return;
          if (e instanceof UnauthorizedError) {
            callbacks.current.onUnauthorized(e.message);
            return;
          }
          if (e instanceof NotFoundError) {
            callbacks.current.onSessionGone();
            return;
          }
          // The live connection resumes from 0 and brings the events anyway; only the user's messages are missing.
          setLoadProblem(`The history could not be loaded (${(e as Error).message}); showing what the live connection brings.`);
        }
      }
      if (!cancelled) connection.start();
    };
    void load();

    const online = () => connection.retryNow();
    window.addEventListener('online', online);
    return () => {
      cancelled = true;
      window.removeEventListener('online', online);
      connection.stop();
    };
  }, [api, sessionId]);

  // Follow the stream while the reader is at the bottom.
  useEffect(() => {
    const list = listRef.current;
    if (list && stickToBottom.current) {
      list.scrollTop = list.scrollHeight;
    }
  }, [state.turns]);

  const running = runningTurn(state);
  const connected = status.state === 'open';

  const send = useCallback(
    (event?: FormEvent) => {
      event?.preventDefault();
      const text = draft.trim();
      if (!text) return;
      const id = newMessageId('m');
      if (!connectionRef.current?.send({ type: 'user_message', id, text })) {
        setSendProblem('Not connected: the message was not sent. It is still in the box; send it again once connected.');
        return;
      }
      setSendProblem(null);
      dispatch({ type: 'sent_message', id, text });
      setDraft('');
      stickToBottom.current = true;
    },
    [draft],
  );

  const stop = () => {
    if (running) {
      connectionRef.current?.send({ type: 'cancel', id: newMessageId('cancel'), turnId: running.turnId });
    }
  };

  const decide = (approval: ApprovalView, decision: 'approve' | 'deny', scope: 'once' | 'session') => {
    const id = newMessageId('d');
    const sent = connectionRef.current?.send({
      type: 'approval_decision',
      id,
      approvalId: approval.request.approvalId,
      decision,
      scope,
    });
    if (sent) {
      dispatch({ type: 'sent_decision', id, approvalId: approval.request.approvalId });
    } else {
      setSendProblem('Not connected: the decision was not sent. Try again once connected.');
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (connected && !running) send();
    }
  };

  const empty = state.turns.length === 0 && state.outbox.length === 0;

  return (
    <section className="chat" aria-label="Conversation">
      <div className="chat-status">
        <ConnectionBadge status={status} onRetry={() => connectionRef.current?.retryNow()} />
      </div>
      <div
        className="messages"
        ref={listRef}
        aria-live="polite"
        aria-relevant="additions"
        onScroll={(e) => {
          const el = e.currentTarget;
          stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
      >
        {loadProblem ? <div className="notice warn">{loadProblem}</div> : null}
        {empty ? (
          <div className="empty">
            <h2>What should we work on?</h2>
            <p>
              Ask a question or give a task. Warden screens every message, asks before it changes files or runs commands,
              and shows each step it takes.
            </p>
          </div>
        ) : null}
        {state.turns.map((turn) => (
          <TurnBlock
            key={turn.turnId}
            turn={turn}
            userText={turn.messageId ? state.texts[turn.messageId] : undefined}
            traceViewer={traceViewer}
            onDecide={decide}
          />
        ))}
        {state.outbox.map((m) => (
          <article className="turn pending" key={m.id}>
            <div className="bubble user">
              <div className="bubble-text">{m.text}</div>
            </div>
            <div className="thinking">Sending…</div>
          </article>
        ))}
        {state.notices.map((n) => (
          <div className="notice" role="status" key={n.id}>
            <span>
              <strong>{n.code}</strong>: {n.message}
            </span>
            <button type="button" className="link" onClick={() => dispatch({ type: 'dismiss_notice', id: n.id })} aria-label="Dismiss notice">
              Dismiss
            </button>
          </div>
        ))}
      </div>
      <form className="composer" onSubmit={send}>
        {sendProblem ? (
          <p className="send-problem" role="alert">
            {sendProblem}
          </p>
        ) : null}
        <label htmlFor="message" className="visually-hidden">
          Message
        </label>
        <textarea
          id="message"
          name="message"
          rows={2}
          placeholder={connected ? 'Message Warden… (Enter to send, Shift+Enter for a new line)' : 'Waiting for the connection…'}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
        />
        {running ? (
          <button type="button" className="danger" onClick={stop} disabled={!connected}>
            Stop
          </button>
        ) : (
          <button type="submit" className="primary" disabled={!connected || draft.trim() === ''}>
            Send
          </button>
        )}
      </form>
    </section>
  );
}

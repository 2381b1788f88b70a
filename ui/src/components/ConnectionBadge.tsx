import { useEffect, useState } from 'react';
import type { ConnectionStatus } from '../chat/connection';

/** The connection's state in words, with a countdown while it waits to retry. */
export function ConnectionBadge({ status, onRetry }: { status: ConnectionStatus; onRetry: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (status.state !== 'waiting') return;
    const handle = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(handle);
  }, [status]);

  let tone = 'neutral';
  let text: string;
  let detail: string | null = null;
  switch (status.state) {
    case 'open':
      tone = 'ok';
      text = 'Connected';
      break;
    case 'connecting':
      text = status.attempt > 1 ? `Reconnecting (attempt ${status.attempt})…` : 'Connecting…';
      break;
    case 'waiting': {
      tone = 'warn';
      const seconds = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
      text = `Offline · retrying in ${seconds}s`;
      detail = status.reason;
      break;
    }
    case 'unauthorized':
      tone = 'bad';
      text = 'Signed out';
      detail = status.reason;
      break;
    case 'session_not_found':
      tone = 'bad';
      text = 'Session not found';
      break;
    default:
      text = 'Not connected';
  }
  return (
    <div className={`connection ${tone}`} role="status" aria-live="polite" data-state={status.state}>
      <span className="dot" aria-hidden="true" />
      <span className="connection-text">{text}</span>
      {detail ? <span className="connection-detail">{detail}</span> : null}
      {status.state === 'waiting' ? (
        <button type="button" className="link" onClick={onRetry}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}

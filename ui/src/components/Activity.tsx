import { useEffect, useState } from 'react';
import type { FirewallVerdict, MemoryRecall } from '../api/types';
import type { ApprovalView, ToolView } from '../chat/reducer';

/** The firewall's verdict on the user's message (or a tool result): compact, with its reasons on demand. */
export function VerdictView({ verdict }: { verdict: FirewallVerdict }) {
  const signals = verdict.signals ?? [];
  const label =
    verdict.action === 'block' ? 'Blocked by the firewall' : verdict.action === 'flag' ? 'Flagged by the firewall' : 'Firewall: allowed';
  const what = verdict.source === 'user' ? 'message' : verdict.source === 'tool' ? 'tool result' : 'memory';
  if (verdict.action !== 'block' && verdict.action !== 'flag' && signals.length === 0) {
    return (
      <div className="activity verdict allow">
        <span className="pill allow">allowed</span> Firewall checked the {what} · score {verdict.score.toFixed(2)}
      </div>
    );
  }
  return (
    <details className={`activity verdict ${verdict.action}`} open={verdict.action === 'block'}>
      <summary>
        <span className={`pill ${verdict.action}`}>{verdict.action === 'block' ? 'blocked' : verdict.action === 'flag' ? 'flagged' : 'allowed'}</span>
        <span>
          {label} ({what}, score {verdict.score.toFixed(2)})
        </span>
      </summary>
      {signals.length > 0 ? (
        <ul className="signals">
          {signals.map((signal, i) => (
            <li key={`${signal.id}-${i}`}>
              <code>{signal.id}</code> <span className="muted">weight {signal.weight.toFixed(2)}</span>
              {signal.excerpt ? <q>{signal.excerpt}</q> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No individual rule fired; the overall score decided.</p>
      )}
    </details>
  );
}

export function MemoryView({ recall }: { recall: MemoryRecall }) {
  if (recall.error) {
    return (
      <div className="activity memory">
        <span className="pill neutral">memory</span> Long-term memory did not answer ({recall.error}); the turn went on without it.
      </div>
    );
  }
  if (recall.items.length === 0) {
    return (
      <div className="activity memory">
        <span className="pill neutral">memory</span> No memories recalled
      </div>
    );
  }
  return (
    <details className="activity memory">
      <summary>
        <span className="pill neutral">memory</span>
        <span>
          Recalled {recall.items.length} {recall.items.length === 1 ? 'memory' : 'memories'}
        </span>
      </summary>
      <ul className="memories">
        {recall.items.map((item) => (
          <li key={item.id}>
            <span>{item.text}</span>
            <span className="muted">
              {' '}
              relevance {item.score.toFixed(2)}
              {item.at ? ` · ${item.at.slice(0, 10)}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function formatArguments(args: unknown): string {
  if (typeof args === 'string') {
    return args;
  }
  try {
    return JSON.stringify(args, null, 2);
  } catch {
    return String(args);
  }
}

function toolSummary(tool: ToolView): string {
  const args = tool.arguments as Record<string, unknown> | null;
  if (args && typeof args === 'object') {
    for (const key of ['path', 'command', 'url', 'timeZone']) {
      if (typeof args[key] === 'string') {
        return args[key] as string;
      }
    }
  }
  return '';
}

function toolState(tool: ToolView): { label: string; tone: string } {
  if (tool.approval && !tool.approval.resolution && tool.result === undefined) {
    return { label: 'awaiting approval', tone: 'flag' };
  }
  if (tool.approval?.resolution?.decision === 'deny') {
    return { label: tool.approval.resolution.by === 'timeout' ? 'expired' : 'denied', tone: 'block' };
  }
  if (tool.result === undefined) {
    return { label: 'running', tone: 'neutral' };
  }
  return tool.error ? { label: 'failed', tone: 'block' } : { label: 'done', tone: 'allow' };
}

/** One tool call: name and target on one line; arguments, result and verdicts when expanded. */
export function ToolCallView({
  tool,
  onDecide,
}: {
  tool: ToolView;
  onDecide: (approval: ApprovalView, decision: 'approve' | 'deny', scope: 'once' | 'session') => void;
}) {
  const state = toolState(tool);
  return (
    <div className="tool-block">
      <details className="activity tool">
        <summary>
          <span className={`pill ${state.tone}`}>{state.label}</span>
          <code className="tool-name">{tool.tool}</code>
          <span className="tool-target">{toolSummary(tool)}</span>
        </summary>
        <div className="tool-body">
          <h4>Arguments</h4>
          <pre className="code">{formatArguments(tool.arguments)}</pre>
          {tool.result !== undefined ? (
            <>
              <h4>{tool.error ? 'Error' : 'Result'}</h4>
              <pre className={`code ${tool.error ? 'error' : ''}`}>{tool.result}</pre>
            </>
          ) : null}
          {tool.approval?.resolution ? (
            <p className="muted">
              {tool.approval.resolution.decision === 'approve' ? 'Approved' : 'Denied'} by {tool.approval.resolution.by}
              {tool.approval.resolution.scope === 'session' ? ' for this session' : ''}
            </p>
          ) : null}
        </div>
      </details>
      {tool.verdicts.map((v, i) => (
        <VerdictView key={i} verdict={v} />
      ))}
      {tool.approval && !tool.approval.resolution ? <ApprovalCard approval={tool.approval} onDecide={onDecide} /> : null}
    </div>
  );
}

function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const handle = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(handle);
  }, [intervalMs]);
  return now;
}

export function formatCountdown(ms: number): string {
  if (ms <= 0) {
    return 'expired';
  }
  const seconds = Math.ceil(ms / 1000);
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}:${String(s).padStart(2, '0')}` : `${s}s`;
}

const RISK_TEXT: Record<string, string> = {
  read: 'reads files',
  write: 'changes files',
  execute: 'runs a command',
  network: 'fetches from the network',
};

function DiffView({ text }: { text: string }) {
  return (
    <pre className="code diff" aria-label="Preview">
      {text.split('\n').map((line, i) => {
        const kind = line.startsWith('+++') || line.startsWith('---') ? 'file' : line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : '';
        return (
          <span key={i} className={`line ${kind}`}>
            {line}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}

/**
 * What the service shows of a call before it runs (`approval_required.preview`): a unified diff for file changes, the
 * command and working directory for a shell command, the URL for a fetch; `reason` says why it asks, `sessionScope` what
 * "Approve for this session" would cover. Read defensively: the field is free-form JSON.
 */
export interface Preview {
  kind?: string;
  diff?: string;
  path?: string;
  command?: string;
  workingDirectory?: string;
  url?: string;
  arguments?: unknown;
  reason?: string;
  sessionScope?: string;
  text?: string;
}

export function readPreview(raw: unknown): Preview {
  if (typeof raw === 'string') {
    return /^(---|\+\+\+|@@)/m.test(raw) ? { kind: 'diff', diff: raw } : { text: raw };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return {};
  }
  const record = raw as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
  return {
    kind: text('kind'),
    diff: text('diff'),
    path: text('path'),
    command: text('command'),
    workingDirectory: text('workingDirectory'),
    url: text('url'),
    arguments: record.arguments,
    reason: text('reason'),
    sessionScope: text('sessionScope'),
  };
}

function PreviewView({ preview, fallback }: { preview: Preview; fallback: unknown }) {
  if (preview.diff !== undefined) {
    return (
      <>
        {preview.path ? <div className="preview-label">File <code>{preview.path}</code></div> : null}
        <DiffView text={preview.diff} />
      </>
    );
  }
  if (preview.command !== undefined) {
    return (
      <>
        <div className="preview-label">
          Command, in <code>{preview.workingDirectory ?? '.'}</code> of the workspace
        </div>
        <pre className="code" aria-label="Command">
          $ {preview.command}
        </pre>
      </>
    );
  }
  if (preview.url !== undefined) {
    return (
      <>
        <div className="preview-label">Fetch</div>
        <pre className="code" aria-label="URL">
          {preview.url}
        </pre>
      </>
    );
  }
  if (preview.path !== undefined) {
    return (
      <div className="preview-label">
        File <code>{preview.path}</code>
      </div>
    );
  }
  return (
    <pre className="code" aria-label="Arguments">
      {preview.text ?? formatArguments(preview.arguments ?? fallback)}
    </pre>
  );
}

/** A tool call waiting for the user: what it will do, how risky, how long is left; three keyboard-reachable buttons. */
export function ApprovalCard({
  approval,
  onDecide,
}: {
  approval: ApprovalView;
  onDecide: (approval: ApprovalView, decision: 'approve' | 'deny', scope: 'once' | 'session') => void;
}) {
  const now = useNow();
  const { request } = approval;
  const left = Date.parse(request.expiresAt) - now;
  const expired = Number.isFinite(left) && left <= 0;
  const disabled = approval.sending || expired || approval.refused?.code === 'approval_expired';
  const titleId = `approval-${request.approvalId}`;
  const preview = readPreview(request.preview);
  return (
    <section className={`approval risk-${request.risk}`} role="group" aria-labelledby={titleId}>
      <header>
        <h3 id={titleId}>
          Approve <code>{request.tool}</code>?
        </h3>
        <span className={`pill risk ${request.risk}`}>
          {request.risk} · {RISK_TEXT[request.risk] ?? 'acts'}
        </span>
        <span className={`countdown ${left < 30_000 ? 'urgent' : ''}`} aria-live="off" title={`Expires at ${request.expiresAt}`}>
          {expired ? 'Expired' : `Expires in ${formatCountdown(left)}`}
        </span>
      </header>
      <PreviewView preview={preview} fallback={request.arguments} />
      {preview.reason ? <p className="approval-reason muted">{preview.reason}</p> : null}
      {preview.sessionScope ? (
        <p className="approval-reason muted">
          “Approve for this session” also allows <code>{preview.sessionScope}</code> without asking again.
        </p>
      ) : null}
      {approval.refused ? (
        <p className="approval-problem" role="alert">
          {approval.refused.code === 'approval_expired'
            ? 'Too late: this approval expired and the call was denied.'
            : approval.refused.message}
        </p>
      ) : null}
      {expired && !approval.refused ? (
        <p className="approval-problem" role="status">
          This approval expired; the call will be denied.
        </p>
      ) : null}
      <div className="approval-actions">
        <button type="button" className="primary" disabled={disabled} onClick={() => onDecide(approval, 'approve', 'once')}>
          Approve
        </button>
        <button
          type="button"
          disabled={disabled}
          onClick={() => onDecide(approval, 'approve', 'session')}
          title={preview.sessionScope ? `Also allows, without asking again in this session: ${preview.sessionScope}` : undefined}
        >
          Approve for this session
        </button>
        <button type="button" className="danger" disabled={disabled} onClick={() => onDecide(approval, 'deny', 'once')}>
          Deny
        </button>
      </div>
    </section>
  );
}

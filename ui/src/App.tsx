import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { createApi, NotFoundError, ServiceUnavailableError, type Api } from './api/client';
import type { SessionView } from './api/types';
import { currentSessionId, rememberSession, rememberToken, storedToken } from './auth';
import { UnauthorizedError } from './chat/connection';
import { Chat } from './components/Chat';

export function App() {
  const [token, setToken] = useState<string | null>(storedToken);
  const [signedOutBecause, setSignedOutBecause] = useState<string | null>(null);

  const signOut = useCallback((reason: string | null) => {
    rememberToken(null);
    rememberSession(null);
    setSignedOutBecause(reason);
    setToken(null);
  }, []);

  if (!token) {
    return (
      <SignIn
        reason={signedOutBecause}
        onSignedIn={(t) => {
          rememberToken(t);
          setSignedOutBecause(null);
          setToken(t);
        }}
      />
    );
  }
  return <Workspace token={token} onSignOut={signOut} />;
}

function SignIn({ reason, onSignedIn }: { reason: string | null; onSignedIn: (token: string) => void }) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const token = value.trim();
    if (!token) {
      setProblem('Enter your token.');
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await createApi(token).listSessions();
      onSignedIn(token);
    } catch (e) {
      if (e instanceof UnauthorizedError) {
        setProblem('This token was not accepted. Check it, or ask the administrator for a new one.');
      } else {
        setProblem(`The service cannot be reached right now (${(e as Error).message}). Try again in a moment.`);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={submit} noValidate>
        <div className="brand large">
          <Logo /> Warden
        </div>
        <p className="muted">Sign in with the token the administrator gave you. It stays in this browser until you sign out.</p>
        {reason ? (
          <p className="notice bad" role="alert">
            {reason}
          </p>
        ) : null}
        <label htmlFor="token">Token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="wdn_…"
          aria-describedby={problem ? 'token-problem' : undefined}
          aria-invalid={problem ? true : undefined}
          autoFocus
        />
        {problem ? (
          <p id="token-problem" className="field-problem" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function Logo() {
  return (
    <svg className="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3z" fill="currentColor" opacity="0.18" />
      <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3z" fill="none" stroke="currentColor" strokeWidth="1.6" />
      <path d="m8.5 12 2.4 2.4 4.6-4.8" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}

function Workspace({ token, onSignOut }: { token: string; onSignOut: (reason: string | null) => void }) {
  const api: Api = useMemo(() => createApi(token), [token]);
  const [sessionId, setSessionId] = useState<string | null>(currentSessionId);
  // Which Chat is mounted: changes only when the user picks another session or starts a new one, not when a new
  // session gets its id (that would reconnect for nothing).
  const [chatKey, setChatKey] = useState(() => sessionId ?? `new-${Date.now()}`);
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  const [sessionsProblem, setSessionsProblem] = useState<string | null>(null);
  const [traceViewer, setTraceViewer] = useState<string | null>(null);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [goneNotice, setGoneNotice] = useState<string | null>(null);

  const unauthorized = useCallback((message: string) => onSignOut(message), [onSignOut]);

  const refreshSessions = useCallback(async () => {
    try {
      setSessions(await api.listSessions());
      setSessionsProblem(null);
    } catch (e) {
      if (e instanceof UnauthorizedError) {
        unauthorized(e.message);
      } else {
        setSessionsProblem(
          e instanceof ServiceUnavailableError
            ? `Sessions could not be loaded: the service cannot be reached (${e.message}).`
            : `Sessions could not be loaded (${(e as Error).message}).`,
        );
      }
    }
  }, [api, unauthorized]);

  useEffect(() => {
    void refreshSessions();
    api
      .clientConfig()
      .then((config) => setTraceViewer(config.traceViewerUrl ?? null))
      .catch((e) => {
        if (!(e instanceof NotFoundError)) console.warn('client config', e);
      });
  }, [api, refreshSessions]);

  // Refresh the list now and then while it failed (the service was down at page load).
  useEffect(() => {
    if (!sessionsProblem) return;
    const handle = setInterval(() => void refreshSessions(), 5000);
    return () => clearInterval(handle);
  }, [sessionsProblem, refreshSessions]);

  const open = (id: string | null) => {
    setGoneNotice(null);
    setSessionId(id);
    rememberSession(id);
    setChatKey(id ?? `new-${Date.now()}`);
    setDrawerOpen(false);
  };

  const onSession = useCallback(
    (id: string) => {
      setSessionId(id);
      rememberSession(id);
    },
    [],
  );

  const onSessionGone = useCallback(() => {
    setGoneNotice('That session no longer exists (or is not yours). Started a new chat instead.');
    setSessionId(null);
    rememberSession(null);
    setChatKey(`new-${Date.now()}`);
  }, []);

  return (
    <div className={`app ${drawerOpen ? 'drawer-open' : ''}`}>
      <header className="topbar">
        <button
          type="button"
          className="icon-button drawer-toggle"
          aria-label="Sessions"
          aria-expanded={drawerOpen}
          aria-controls="sessions"
          onClick={() => setDrawerOpen((v) => !v)}
        >
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path d="M4 6h16M4 12h16M4 18h16" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
        </button>
        <div className="brand">
          <Logo /> Warden
        </div>
        <div className="topbar-spacer" />
        <button type="button" className="ghost" onClick={() => onSignOut(null)}>
          Sign out
        </button>
      </header>
      <nav id="sessions" className="sidebar" aria-label="Sessions">
        <button type="button" className="primary new-chat" onClick={() => open(null)}>
          New chat
        </button>
        <h2 className="sidebar-title">Sessions</h2>
        {sessionsProblem ? (
          <div className="notice warn" role="alert">
            {sessionsProblem}{' '}
            <button type="button" className="link" onClick={() => void refreshSessions()}>
              Retry
            </button>
          </div>
        ) : null}
        {sessions === null && !sessionsProblem ? <p className="muted">Loading…</p> : null}
        {sessions !== null && sessions.length === 0 ? <p className="muted">No sessions yet.</p> : null}
        <ul className="session-list">
          {sessions
            ?.filter((s) => s.id === sessionId || (s.lastSeq ?? 0) > 0 || s.running)
            .map((s) => (
            <li key={s.id}>
              <button
                type="button"
                className={`session ${s.id === sessionId ? 'current' : ''}`}
                aria-current={s.id === sessionId ? 'page' : undefined}
                onClick={() => open(s.id ?? null)}
              >
                <span className="session-title">{s.title || 'Untitled session'}</span>
                <span className="session-meta">
                  {s.running ? <span className="pill flag">running</span> : null}
                  {s.lastActivity ? formatWhen(s.lastActivity) : null}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="scrim" onClick={() => setDrawerOpen(false)} aria-hidden="true" />
      <main className="main">
        {goneNotice ? (
          <div className="notice warn" role="status">
            {goneNotice}
          </div>
        ) : null}
        <Chat
          key={chatKey}
          api={api}
          sessionId={chatKey.startsWith('new-') ? null : chatKey}
          traceViewer={traceViewer}
          onSession={onSession}
          onSessionGone={onSessionGone}
          onUnauthorized={unauthorized}
          onActivity={() => void refreshSessions()}
        />
      </main>
    </div>
  );
}

function formatWhen(ts: string): string {
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date();
  return date.toDateString() === today.toDateString()
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

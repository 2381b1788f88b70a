/** The bearer token, remembered in this browser until sign-out. */
const TOKEN_KEY = 'warden.token';
const SESSION_KEY = 'warden.session';

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function rememberToken(token: string | null): void {
  try {
    if (token) {
      localStorage.setItem(TOKEN_KEY, token);
    } else {
      localStorage.removeItem(TOKEN_KEY);
      localStorage.removeItem(SESSION_KEY);
    }
  } catch {
    // private mode: the token lasts as long as the page
  }
}

/** The session to show: `?session=` in the address wins over the last one remembered. */
export function currentSessionId(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('session');
  if (fromUrl) {
    return fromUrl;
  }
  try {
    return localStorage.getItem(SESSION_KEY);
  } catch {
    return null;
  }
}

export function rememberSession(sessionId: string | null): void {
  const url = new URL(location.href);
  if (sessionId) {
    url.searchParams.set('session', sessionId);
  } else {
    url.searchParams.delete('session');
  }
  if (url.href !== location.href) {
    history.replaceState(null, '', url);
  }
  try {
    if (sessionId) {
      localStorage.setItem(SESSION_KEY, sessionId);
    } else {
      localStorage.removeItem(SESSION_KEY);
    }
  } catch {
    // ignore
  }
}

import type { SessionView } from './types';
import { UnauthorizedError } from '../chat/connection';

/** Why a REST call failed, in words for the page. */
export class ServiceUnavailableError extends Error {}
export class NotFoundError extends Error {}

export interface Api {
  listSessions(): Promise<SessionView[]>;
  /** Every journaled event of the session after `afterSeq`, with the internal facts (for the user's messages). */
  sessionEvents(sessionId: string, afterSeq: number): Promise<unknown[]>;
  issueTicket(): Promise<string>;
  clientConfig(): Promise<{ traceViewerUrl?: string | null }>;
}

async function call<T>(token: string, path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { Accept: 'application/json', Authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
    });
  } catch (e) {
    throw new ServiceUnavailableError(e instanceof Error ? e.message : String(e));
  }
  if (response.status === 401 || response.status === 403) {
    throw new UnauthorizedError('The service no longer accepts this token (it may have been revoked). Sign in again.');
  }
  if (response.status === 404) {
    throw new NotFoundError('not found');
  }
  if (!response.ok) {
    throw new ServiceUnavailableError(`the service answered ${response.status}`);
  }
  return (await response.json()) as T;
}

export function createApi(token: string): Api {
  return {
    listSessions: () => call<SessionView[]>(token, '/api/sessions?limit=100'),
    sessionEvents: (sessionId, afterSeq) =>
      call<unknown[]>(
        token,
        `/api/sessions/${encodeURIComponent(sessionId)}/events?afterSeq=${afterSeq}&limit=10000&facts=true`,
      ),
    issueTicket: async () => (await call<{ ticket: string }>(token, '/api/ws-tickets', { method: 'POST' })).ticket,
    clientConfig: () => call<{ traceViewerUrl?: string | null }>(token, '/api/client-config'),
  };
}

/** The WebSocket URL on this page's host. */
export function webSocketUrl(query: URLSearchParams): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws/chat?${query}`;
}

import createClient, { type Middleware } from 'openapi-fetch';
import { UnauthorizedError } from '../chat/connection';
import type { paths } from './schema';
import type { ClientConfig, SessionView } from './types';

/** The service could not be reached, or answered with a server error. */
export class ServiceUnavailableError extends Error {}
export class NotFoundError extends Error {}

export interface Api {
  listSessions(): Promise<SessionView[]>;
  /** Every journaled event of the session after `afterSeq`, with the internal facts (for the user's messages). */
  sessionEvents(sessionId: string, afterSeq: number): Promise<unknown[]>;
  issueTicket(): Promise<string>;
  clientConfig(): Promise<ClientConfig>;
}

/** REST calls, typed by the service's OpenAPI document (src/api/schema.d.ts); every failure in the page's words. */
export function createApi(token: string): Api {
  const client = createClient<paths>({ baseUrl: location.origin });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
  client.use(auth);

  async function settle<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    let result: { data?: T; error?: unknown; response: Response };
    try {
      result = await call;
    } catch (e) {
      throw new ServiceUnavailableError(e instanceof Error ? e.message : String(e));
    }
    const { response } = result;
    if (response.status === 401 || response.status === 403) {
      throw new UnauthorizedError('The service no longer accepts this token (it may have been revoked). Sign in again.');
    }
    if (response.status === 404) {
      throw new NotFoundError('not found');
    }
    if (!response.ok || result.data === undefined) {
      throw new ServiceUnavailableError(`the service answered ${response.status}`);
    }
    return result.data;
  }

  return {
    listSessions: () => settle(client.GET('/api/sessions', { params: { query: { limit: 100 } } })),
    sessionEvents: (sessionId, afterSeq) =>
      settle(
        client.GET('/api/sessions/{id}/events', {
          params: { path: { id: sessionId }, query: { afterSeq, limit: 10000, facts: true } },
        }),
      ),
    issueTicket: async () => {
      const ticket = await settle(client.POST('/api/ws-tickets', {}));
      if (!ticket.ticket) {
        throw new ServiceUnavailableError('the service issued no ticket');
      }
      return ticket.ticket;
    },
    clientConfig: () => settle(client.GET('/api/client-config')),
  };
}

/** The WebSocket URL on this page's host. */
export function webSocketUrl(query: URLSearchParams): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws/chat?${query}`;
}

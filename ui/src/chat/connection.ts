import type { ClientMessage } from '../api/types';

/**
 * One WebSocket to /ws/chat that survives network loss: on an unexpected close it waits (exponential back-off with
 * jitter), fetches a new one-time ticket, re-attaches with `?sessionId=` and sends `resume {lastSeq}`, so no event is
 * lost or repeated. A connection that stops answering pings is treated as lost.
 */

export type ConnectionStatus =
  | { state: 'idle' }
  | { state: 'connecting'; attempt: number }
  | { state: 'open' }
  | { state: 'waiting'; attempt: number; retryAt: number; reason: string }
  | { state: 'unauthorized'; reason: string }
  | { state: 'session_not_found' }
  | { state: 'closed' };

/** What the browser's WebSocket offers, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export class UnauthorizedError extends Error {}

export interface ConnectionOptions {
  /** A one-time ticket for the upgrade (POST /api/ws-tickets); throws {@link UnauthorizedError} on 401. */
  ticket: () => Promise<string>;
  /** The WebSocket URL for these query parameters. */
  url: (query: URLSearchParams) => string;
  socket: (url: string) => SocketLike;
  /** The last journaled event this client applied. */
  lastSeq: () => number;
  onMessage: (message: unknown) => void;
  onMalformed: (detail: string) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** The session the service attached this connection to (from `session_ready`). */
  onSession?: (sessionId: string) => void;
  timers?: Timers;
  random?: () => number;
  /** How often to ping, and how long to wait for the pong, in ms. */
  pingEvery?: number;
  pongWithin?: number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export const SESSION_NOT_FOUND_CLOSE = 4404;
const OPEN = 1;

/** The wait before reconnect attempt `attempt` (1-based): 0.5 s, 1 s, 2 s, … up to 15 s, less up to 30 % jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - 0.3 * random()));
}

let idCounter = 0;
export function newMessageId(prefix = 'c'): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  return `${prefix}-${++idCounter}-${random}`;
}

export class ChatConnection {
  private readonly options: ConnectionOptions;
  private readonly timers: Timers;
  private socket: SocketLike | null = null;
  private sessionId: string | null;
  private attempt = 0;
  private retryHandle: unknown = null;
  private pingHandle: unknown = null;
  private pongHandle: unknown = null;
  private stopped = false;
  private current: ConnectionStatus = { state: 'idle' };

  constructor(sessionId: string | null, options: ConnectionOptions) {
    this.sessionId = sessionId;
    this.options = options;
    this.timers = options.timers ?? browserTimers;
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  get session(): string | null {
    return this.sessionId;
  }

  start(): void {
    this.stopped = false;
    void this.open();
  }

  /** Closes for good (sign-out, switching sessions). */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000, 'client closed');
    }
    this.setStatus({ state: 'closed' });
  }

  /** Try now instead of waiting for the back-off (the browser came back online, the user clicked Retry). */
  retryNow(): void {
    if (this.current.state === 'waiting') {
      this.timers.clearTimeout(this.retryHandle);
      this.retryHandle = null;
      void this.open();
    }
  }

  /** Sends a message if the connection is open; false when it is not (the caller says so to the user). */
  send(message: ClientMessage): boolean {
    if (!this.socket || this.current.state !== 'open' || this.socket.readyState !== OPEN) {
      return false;
    }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private async open(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.attempt += 1;
    this.setStatus({ state: 'connecting', attempt: this.attempt });
    let ticket: string;
    try {
      ticket = await this.options.ticket();
    } catch (e) {
      if (e instanceof UnauthorizedError) {
        this.stopped = true;
        this.setStatus({ state: 'unauthorized', reason: e.message });
        return;
      }
      this.scheduleRetry(`The service cannot be reached (${describe(e)}).`);
      return;
    }
    if (this.stopped) {
      return;
    }
    const query = new URLSearchParams({ ticket });
    if (this.sessionId) {
      query.set('sessionId', this.sessionId);
    }
    let socket: SocketLike;
    try {
      socket = this.options.socket(this.options.url(query));
    } catch (e) {
      this.scheduleRetry(`The connection failed (${describe(e)}).`);
      return;
    }
    this.socket = socket;
    let ready = false;
    socket.onmessage = (event) => {
      if (this.socket !== socket) {
        return;
      }
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        this.options.onMalformed('not JSON');
        return;
      }
      this.armPing();
      if (!ready && isSessionReady(message)) {
        ready = true;
        this.attempt = 0;
        const resumed = this.sessionId !== null;
        this.sessionId = message.sessionId;
        this.options.onSession?.(message.sessionId);
        this.setStatus({ state: 'open' });
        this.options.onMessage(message);
        if (resumed) {
          // A re-attached connection is not live until it says where it is (docs/protocol.md).
          socket.send(JSON.stringify({ type: 'resume', id: newMessageId('resume'), lastSeq: this.options.lastSeq() }));
        }
        return;
      }
      this.options.onMessage(message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) {
        return;
      }
      this.socket = null;
      this.clearPing();
      if (this.stopped) {
        return;
      }
      if (event.code === SESSION_NOT_FOUND_CLOSE) {
        this.stopped = true;
        this.setStatus({ state: 'session_not_found' });
        return;
      }
      const reason = ready
        ? 'The connection was lost.'
        : `The service did not accept the connection${event.code ? ` (close ${event.code})` : ''}.`;
      this.scheduleRetry(reason);
    };
    socket.onerror = () => {
      // onclose follows and decides what to do.
    };
  }

  private scheduleRetry(reason: string): void {
    if (this.stopped) {
      return;
    }
    const attempt = Math.max(1, this.attempt);
    const delay = backoffDelay(attempt, this.options.random);
    const retryAt = this.timers.now() + delay;
    this.setStatus({ state: 'waiting', attempt, retryAt, reason });
    this.retryHandle = this.timers.setTimeout(() => {
      this.retryHandle = null;
      void this.open();
    }, delay);
  }

  /** After every message: ping after a quiet spell; no pong in time means the network is gone. */
  private armPing(): void {
    const every = this.options.pingEvery ?? 20_000;
    const within = this.options.pongWithin ?? 10_000;
    this.clearPing();
    this.pingHandle = this.timers.setTimeout(() => {
      const socket = this.socket;
      if (!socket || socket.readyState !== OPEN) {
        return;
      }
      socket.send(JSON.stringify({ type: 'ping', id: newMessageId('ping') }));
      this.pongHandle = this.timers.setTimeout(() => {
        if (this.socket === socket) {
          // The browser may take minutes to notice a dead TCP connection; give up on it now.
          socket.onclose?.({ code: 4000, reason: 'no pong' });
          socket.close(4000, 'no pong');
        }
      }, within);
    }, every);
  }

  private clearPing(): void {
    this.timers.clearTimeout(this.pingHandle);
    this.timers.clearTimeout(this.pongHandle);
    this.pingHandle = null;
    this.pongHandle = null;
  }

  private clearTimers(): void {
    this.clearPing();
    this.timers.clearTimeout(this.retryHandle);
    this.retryHandle = null;
  }

  private setStatus(status: ConnectionStatus): void {
    this.current = status;
    this.options.onStatus(status);
  }
}

function isSessionReady(message: unknown): message is { type: 'session_ready'; sessionId: string } {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'session_ready' &&
    typeof (message as { sessionId?: unknown }).sessionId === 'string'
  );
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  ChatConnection,
  UnauthorizedError,
  type ConnectionStatus,
  type SocketLike,
  type Timers,
} from '../src/chat/connection';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  serverSends(message: unknown) {
    this.readyState = 1;
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

class FakeTimers implements Timers {
  time = 0;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private next = 0;
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.next;
    this.queue.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.queue = this.queue.filter((t) => t.id !== handle);
  }
  now() {
    return this.time;
  }
  async advance(ms: number) {
    const until = this.time + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const due = this.queue[0];
      if (!due || due.at > until) break;
      this.queue.shift();
      this.time = due.at;
      due.fn();
      await flush();
    }
    this.time = until;
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const ready = (sessionId: string, lastSeq = 0) => ({ type: 'session_ready', sessionId, seq: lastSeq, traceId: 'x', ts: 'x', resumed: false, lastSeq });

function harness(sessionId: string | null, ticket: () => Promise<string> = async () => 'tk') {
  const sockets: FakeSocket[] = [];
  const statuses: ConnectionStatus[] = [];
  const received: unknown[] = [];
  const malformed: string[] = [];
  const timers = new FakeTimers();
  let lastSeq = 0;
  const connection = new ChatConnection(sessionId, {
    ticket,
    url: (q) => `ws://host/ws/chat?${q}`,
    socket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    lastSeq: () => lastSeq,
    onMessage: (m) => {
      received.push(m);
      const s = (m as { seq?: number; type?: string });
      if (s.type !== 'session_ready' && typeof s.seq === 'number') lastSeq = Math.max(lastSeq, s.seq);
    },
    onMalformed: (d) => malformed.push(d),
    onStatus: (s) => statuses.push(s),
    timers,
    random: () => 0,
    pingEvery: 1000,
    pongWithin: 500,
  });
  return { connection, sockets, statuses, received, malformed, timers, setLastSeq: (n: number) => (lastSeq = n) };
}

describe('backoffDelay', () => {
  it('doubles from half a second up to fifteen, less jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((a) => backoffDelay(a, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect(backoffDelay(3, () => 1)).toBe(1400);
  });
});

describe('ChatConnection', () => {
  it('opens a new session with a ticket and does not resume it', async () => {
    const h = harness(null);
    h.connection.start();
    await flush();
    expect(h.sockets[0].url).toBe('ws://host/ws/chat?ticket=tk');
    h.sockets[0].serverSends(ready('s1'));
    expect(h.statuses.at(-1)).toEqual({ state: 'open' });
    expect(h.connection.session).toBe('s1');
    expect(h.sockets[0].sent).toEqual([]);
  });

  it('re-attaches after a drop with back-off, then resumes from the last event it applied', async () => {
    const h = harness(null);
    h.connection.start();
    await flush();
    h.sockets[0].serverSends(ready('s1'));
    h.sockets[0].serverSends({ type: 'token', seq: 7, text: 'x' });
    h.sockets[0].drop();
    expect(h.statuses.at(-1)).toMatchObject({ state: 'waiting', attempt: 1, retryAt: 500 });
    await h.timers.advance(499);
    expect(h.sockets).toHaveLength(1);
    await h.timers.advance(1);
    expect(h.sockets).toHaveLength(2);
    expect(h.sockets[1].url).toBe('ws://host/ws/chat?ticket=tk&sessionId=s1');
    h.sockets[1].serverSends(ready('s1', 9));
    expect(h.sockets[1].sent).toEqual([expect.objectContaining({ type: 'resume', lastSeq: 7 })]);
    expect(h.statuses.at(-1)).toEqual({ state: 'open' });
  });

  it('resumes a session named on page load from the last event already shown', async () => {
    const h = harness('s1');
    h.setLastSeq(41);
    h.connection.start();
    await flush();
    h.sockets[0].serverSends(ready('s1', 45));
    expect(h.sockets[0].sent).toEqual([expect.objectContaining({ type: 'resume', lastSeq: 41 })]);
  });

  it('backs off further while the service stays down, and resets once connected', async () => {
    let up = false;
    const h = harness('s1', async () => {
      if (!up) throw new TypeError('Failed to fetch');
      return 'tk';
    });
    h.connection.start();
    await flush();
    const waits = () => h.statuses.filter((s) => s.state === 'waiting').map((s) => (s as { retryAt: number }).retryAt);
    await h.timers.advance(500 + 1000 + 2000 - 1);
    expect(waits()).toEqual([500, 1500, 3500]);
    expect(h.statuses.at(-1)).toMatchObject({ state: 'waiting', reason: 'The service cannot be reached (Failed to fetch).' });
    up = true;
    await h.timers.advance(4000);
    h.sockets[0].serverSends(ready('s1'));
    h.sockets[0].drop();
    expect(h.statuses.at(-1)).toMatchObject({ state: 'waiting', attempt: 1 });
  });

  it('stops and says so when the token is no longer accepted', async () => {
    const h = harness('s1', async () => {
      throw new UnauthorizedError('The token was not accepted.');
    });
    h.connection.start();
    await flush();
    expect(h.statuses.at(-1)).toEqual({ state: 'unauthorized', reason: 'The token was not accepted.' });
    await h.timers.advance(60_000);
    expect(h.sockets).toHaveLength(0);
  });

  it('gives up on a session the service does not know (close 4404) instead of retrying', async () => {
    const h = harness('gone');
    h.connection.start();
    await flush();
    h.sockets[0].drop(4404);
    expect(h.statuses.at(-1)).toEqual({ state: 'session_not_found' });
    await h.timers.advance(60_000);
    expect(h.sockets).toHaveLength(1);
  });

  it('treats a connection that stops answering pings as lost', async () => {
    const h = harness(null);
    h.connection.start();
    await flush();
    h.sockets[0].serverSends(ready('s1'));
    await h.timers.advance(1000);
    expect(h.sockets[0].sent).toEqual([expect.objectContaining({ type: 'ping' })]);
    await h.timers.advance(500);
    expect(h.sockets[0].closed).toBe(true);
    expect(h.statuses.at(-1)).toMatchObject({ state: 'waiting', reason: 'The connection was lost.' });
  });

  it('reports a frame that is not JSON and stays open', async () => {
    const h = harness(null);
    h.connection.start();
    await flush();
    h.sockets[0].serverSends(ready('s1'));
    h.sockets[0].serverSends('{nope');
    expect(h.malformed).toEqual(['not JSON']);
    expect(h.statuses.at(-1)).toEqual({ state: 'open' });
  });

  it('refuses to send while not connected, and stop() closes for good', async () => {
    const h = harness(null);
    expect(h.connection.send({ type: 'ping', id: 'p' })).toBe(false);
    h.connection.start();
    await flush();
    h.sockets[0].serverSends(ready('s1'));
    expect(h.connection.send({ type: 'ping', id: 'p' })).toBe(true);
    h.connection.stop();
    expect(h.sockets[0].closed).toBe(true);
    expect(h.statuses.at(-1)).toEqual({ state: 'closed' });
    await h.timers.advance(60_000);
    expect(h.sockets).toHaveLength(1);
  });
});

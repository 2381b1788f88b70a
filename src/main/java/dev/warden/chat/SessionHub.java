package dev.warden.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.agent.AgentEvent;
import dev.warden.agent.Turn;
import dev.warden.agent.TurnEvents;
import dev.warden.journal.Envelopes;
import dev.warden.journal.EventJournal;
import dev.warden.journal.JournalEntry;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Each session's outgoing stream. Everything a session records or sends goes through one queue per session, drained by
 * one worker at a time: client events get the next {@code seq} and internal facts the next {@code sub} after it, the
 * batch is committed to the journal (one transaction per drain), and only then do the client events go to every live
 * connection of the session. Replies to one connection ({@code session_ready}, {@code pong}, errors
 * about its own input) go through the same queue, so they interleave with events in a well-defined order; they carry
 * the current seq and do not advance it.
 */
@ApplicationScoped
public class SessionHub implements TurnEvents {

    /** Events read from the journal per query when a client resumes. */
    static final int RESUME_PAGE = 1000;
    /** Frames written to a connection before waiting for it to take them. */
    static final int SEND_WINDOW = 256;

    static final long SEND_TIMEOUT_SECONDS = 30;

    private final EventJournal journal;
    private final ObjectMapper mapper;
    private final Executor executor;
    private final io.opentelemetry.api.trace.Tracer tracer;
    private final ConcurrentMap<String, SessionStream> streams = new ConcurrentHashMap<>();

    @jakarta.inject.Inject
    SessionHub(
            EventJournal journal,
            ObjectMapper mapper,
            dev.warden.observability.WardenMetrics metrics,
            io.opentelemetry.api.trace.Tracer tracer) {
        this.journal = journal;
        this.mapper = mapper;
        this.executor = Infrastructure.getDefaultWorkerPool();
        this.tracer = tracer;
        metrics.gauge("warden.websocket.connections", "Open WebSocket connections", this::connections);
    }

    /** Connections attached to a session now. */
    int connections() {
        return streams.values().stream()
                .mapToInt(stream -> stream.connections.size())
                .sum();
    }

    @Override
    public void emit(Turn turn, AgentEvent event) {
        // The closing record of a turn is appended within a span of the turn's trace.
        publish(
                turn.sessionId(),
                turn.id(),
                turn.traceId(),
                event,
                event instanceof AgentEvent.Conversation ? turn.traceContext() : null);
    }

    @Override
    public Uni<Void> flush(Turn turn) {
        return flush(turn.sessionId());
    }

    /** Completes once everything queued so far for the session is journaled (and sent). */
    public Uni<Void> flush(String sessionId) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(sessionId, new Barrier(done));
        return Uni.createFrom().completionStage(done);
    }

    /** Appends {@code event} to the session and sends it to its live connections. */
    public void publish(String sessionId, String turnId, String traceId, AgentEvent event) {
        publish(sessionId, turnId, traceId, event, null);
    }

    private void publish(
            String sessionId,
            String turnId,
            String traceId,
            AgentEvent event,
            io.opentelemetry.context.Context traced) {
        // The journal keeps microseconds; so does the live message, so a replayed event is byte-for-byte the same.
        submit(sessionId, new Publish(turnId, traceId, event, Instant.now().truncatedTo(ChronoUnit.MICROS), traced));
    }

    /** Sends {@code reply} to one connection only, after everything queued before it. */
    public void reply(String sessionId, WebSocketConnection connection, String traceId, Object reply, String type) {
        submit(sessionId, new Reply(connection, traceId, reply, type));
    }

    /**
     * Attaches a connection. A live one receives every event published from now on; one that is not live (a
     * re-attaching client) receives nothing until it {@link #resume resumes}.
     */
    public void attach(String sessionId, WebSocketConnection connection, boolean live) {
        streams.compute(sessionId, (id, stream) -> {
            SessionStream attachedTo = stream != null ? stream : new SessionStream(id);
            attachedTo.connections.put(connection.id(), new Attached(connection, live));
            return attachedTo;
        });
    }

    public void detach(String sessionId, String connectionId) {
        streams.computeIfPresent(sessionId, (id, stream) -> {
            stream.connections.remove(connectionId);
            return stream.idle() ? null : stream;
        });
    }

    /** Waits for every queued event to be journaled and sent, then closes every connection (shutdown). */
    public void closeEverything(int code, String reason) {
        for (String sessionId : List.copyOf(streams.keySet())) {
            try {
                flush(sessionId).await().atMost(java.time.Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                Log.warnf("Session %s: could not flush before shutdown: %s", sessionId, e.getMessage());
            }
            closeAll(sessionId, code, reason);
        }
    }

    /** Closes every connection of a session that no longer exists (code 4404, like an unknown session). */
    public void closeAll(String sessionId, int code, String reason) {
        SessionStream stream = streams.remove(sessionId);
        if (stream != null) {
            for (Attached attached : stream.connections.values()) {
                attached.connection
                        .close(new io.quarkus.websockets.next.CloseReason(code, reason))
                        .subscribe()
                        .with(ignored -> {}, failure -> {});
            }
        }
    }

    /** Sends the connection every event after {@code lastSeq} in order, then makes it live: no gap, no duplicate. */
    public void resume(String sessionId, WebSocketConnection connection, String replyTo, String traceId, long lastSeq) {
        submit(sessionId, new Resume(connection, replyTo, traceId, lastSeq));
    }

    /** The session's last seq (0 for a new session). Blocking on first use of a session. */
    public long head(String sessionId) {
        return streams.computeIfAbsent(sessionId, SessionStream::new).head();
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Queues a command, creating the session's stream if needed. Queueing happens inside the map's atomic update, and
     * a stream leaves the map only when idle (no connection, nothing queued, not draining), so no command can reach a
     * stream that is no longer the session's: two drains of one session never run at once.
     */
    private void submit(String sessionId, Command command) {
        SessionStream stream = streams.compute(sessionId, (id, existing) -> {
            SessionStream target = existing != null ? existing : new SessionStream(id);
            target.queue.add(command);
            return target;
        });
        stream.startDrain();
    }

    /** Forgets a session's stream once nothing uses it; its seq is reloaded from the journal when needed again. */
    private void evictIfIdle(String sessionId) {
        streams.computeIfPresent(sessionId, (id, stream) -> stream.idle() ? null : stream);
    }

    /** Whether the session's stream is held in memory (for tests of the eviction). */
    boolean inMemory(String sessionId) {
        return streams.containsKey(sessionId);
    }

    private sealed interface Command {}

    /** {@code traced}: the turn's context when this append deserves a span (a turn's closing record), else null. */
    private record Publish(
            String turnId, String traceId, AgentEvent event, Instant ts, io.opentelemetry.context.Context traced)
            implements Command {}

    private record Reply(WebSocketConnection connection, String traceId, Object reply, String type)
            implements Command {}

    private record Resume(WebSocketConnection connection, String replyTo, String traceId, long lastSeq)
            implements Command {}

    private record Barrier(CompletableFuture<Void> done) implements Command {}

    private static final class Attached {
        final WebSocketConnection connection;
        volatile boolean live;
        /** Frames written since the last wait for the client (touched only by the draining thread). */
        int unacknowledged;

        Attached(WebSocketConnection connection, boolean live) {
            this.connection = connection;
            this.live = live;
        }
    }

    private final class SessionStream {
        final String sessionId;
        final Queue<Command> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean draining = new AtomicBoolean();
        final Map<String, Attached> connections = new ConcurrentHashMap<>();
        private long lastSeq = -1;
        private int lastSub;

        SessionStream(String sessionId) {
            this.sessionId = sessionId;
        }

        void startDrain() {
            if (draining.compareAndSet(false, true)) {
                executor.execute(this::drain);
            }
        }

        boolean idle() {
            return connections.isEmpty() && queue.isEmpty() && !draining.get();
        }

        synchronized long head() {
            if (lastSeq < 0) {
                EventJournal.Position position = journal.lastPosition(sessionId);
                lastSeq = position.seq();
                lastSub = position.sub();
            }
            return lastSeq;
        }

        private void drain() {
            do {
                try {
                    List<Publish> batch = new ArrayList<>();
                    Command command;
                    while ((command = queue.poll()) != null) {
                        if (command instanceof Publish publish) {
                            batch.add(publish);
                            continue;
                        }
                        flushSafely(batch);
                        batch.clear();
                        try {
                            switch (command) {
                                case Reply reply -> sendReply(reply);
                                case Resume resume -> resume(resume);
                                case Barrier barrier -> barrier.done().complete(null);
                                case Publish publish -> throw new IllegalStateException("unreachable");
                            }
                        } catch (RuntimeException e) {
                            Log.errorf(
                                    e,
                                    "Session %s: could not handle %s",
                                    sessionId,
                                    command.getClass().getSimpleName());
                        }
                    }
                    flushSafely(batch);
                } finally {
                    draining.set(false);
                }
            } while (!queue.isEmpty() && draining.compareAndSet(false, true));
            if (connections.isEmpty()) {
                evictIfIdle(sessionId);
            }
        }

        /**
         * Journals and sends a batch. If the journal refuses it, the batch is dropped — never sent unjournaled — and
         * the failure logged; the seq does not advance, so the stream stays gap-free.
         */
        private void flushSafely(List<Publish> batch) {
            try {
                flush(batch);
            } catch (RuntimeException e) {
                Log.errorf(e, "Session %s: could not journal %d events; they were not sent", sessionId, batch.size());
            }
        }

        private synchronized void flush(List<Publish> batch) {
            if (batch.isEmpty()) {
                return;
            }
            long seq = head();
            int sub = lastSub;
            List<JournalEntry> entries = new ArrayList<>(batch.size());
            for (Publish publish : batch) {
                String payload = json(publish.event());
                if (publish.event() instanceof AgentEvent.Fact) {
                    sub++;
                } else {
                    seq++;
                    sub = 0;
                }
                entries.add(new JournalEntry(
                        sessionId,
                        seq,
                        sub,
                        publish.event().type(),
                        publish.turnId(),
                        publish.traceId(),
                        publish.ts(),
                        payload));
            }
            appendTraced(batch, entries);
            lastSeq = seq;
            lastSub = sub;
            for (int i = 0; i < entries.size(); i++) {
                JournalEntry entry = entries.get(i);
                if (!entry.visible()) {
                    continue;
                }
                String text = Envelopes.render(
                        entry.type(),
                        sessionId,
                        entry.seq(),
                        entry.traceId(),
                        entry.turnId(),
                        entry.ts(),
                        entry.payload());
                for (Attached attached : connections.values()) {
                    if (attached.live) {
                        send(attached.connection, text);
                    }
                }
            }
        }

        /** Appends to the journal; within a {@code warden.journal.append} span when the batch closes a turn. */
        private void appendTraced(List<Publish> batch, List<JournalEntry> entries) {
            io.opentelemetry.context.Context traced = batch.stream()
                    .map(Publish::traced)
                    .filter(java.util.Objects::nonNull)
                    .findFirst()
                    .orElse(null);
            if (traced == null) {
                journal.append(entries);
                return;
            }
            io.opentelemetry.api.trace.Span span = tracer.spanBuilder("warden.journal.append")
                    .setParent(traced)
                    .setAttribute("warden.journal.entries", (long) entries.size())
                    .startSpan();
            try {
                journal.append(entries);
            } catch (RuntimeException e) {
                span.recordException(e);
                span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
                throw e;
            } finally {
                span.end();
            }
        }

        private void sendReply(Reply reply) {
            send(
                    reply.connection(),
                    Envelopes.render(
                            reply.type(),
                            sessionId,
                            head(),
                            reply.traceId(),
                            null,
                            Instant.now(),
                            json(reply.reply())));
        }

        private void resume(Resume resume) {
            long head = head();
            if (resume.lastSeq() > head) {
                AgentEvent.Error error = new AgentEvent.Error(
                        dev.warden.agent.ErrorCodes.SEQ_OUT_OF_RANGE,
                        "lastSeq " + resume.lastSeq() + " is beyond the session's last event (" + head + ").",
                        resume.replyTo(),
                        "lastSeq",
                        true);
                sendReply(new Reply(resume.connection(), resume.traceId(), error, error.type()));
                return;
            }
            long after = resume.lastSeq();
            while (after < head) {
                List<JournalEntry> page = journal.visible(sessionId, after, head, RESUME_PAGE);
                if (page.isEmpty()) {
                    break;
                }
                for (JournalEntry entry : page) {
                    send(
                            resume.connection(),
                            Envelopes.render(
                                    entry.type(),
                                    sessionId,
                                    entry.seq(),
                                    entry.traceId(),
                                    entry.turnId(),
                                    entry.ts(),
                                    entry.payload()));
                }
                after = page.getLast().seq();
            }
            Attached attached = connections.get(resume.connection().id());
            if (attached != null) {
                attached.live = true;
            }
        }

        /**
         * Writes without waiting for each frame (frames from this one thread keep their order), but waits for the
         * client after every {@link #SEND_WINDOW} frames, so a slow client cannot make the server buffer without end.
         */
        private void send(WebSocketConnection connection, String text) {
            if (!connection.isOpen()) {
                connections.remove(connection.id());
                return;
            }
            CompletableFuture<Void> written = connection.sendText(text).subscribeAsCompletionStage();
            written.whenComplete((ok, failure) -> {
                if (failure != null) {
                    Log.debugf(
                            "Session %s: dropping connection %s: %s", sessionId, connection.id(), failure.getMessage());
                    connections.remove(connection.id());
                }
            });
            Attached attached = connections.get(connection.id());
            if (attached != null && ++attached.unacknowledged >= SEND_WINDOW) {
                attached.unacknowledged = 0;
                try {
                    written.get(SEND_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    Log.debugf("Session %s: connection %s is not reading; dropping it", sessionId, connection.id());
                    connections.remove(connection.id());
                    connection.close().subscribe().with(ignored -> {}, ignored -> {});
                }
            }
        }
    }
}

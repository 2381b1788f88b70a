package dev.warden.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.agent.AgentEvent;
import dev.warden.agent.ErrorCodes;
import dev.warden.agent.Turn;
import dev.warden.agent.TurnRunner;
import dev.warden.config.WardenConfig;
import dev.warden.journal.SessionStore;
import dev.warden.security.TokenIdentityProvider;
import dev.warden.security.User;
import dev.warden.tools.approval.Approval;
import dev.warden.tools.approval.ApprovalEvents;
import dev.warden.tools.approval.ApprovalGate;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /ws/chat}: one connection, one session (new, or re-attached with {@code ?sessionId=}). Reads client messages,
 * starts and cancels turns; everything it sends goes through the {@link SessionHub}. See docs/protocol.md.
 */
@Authenticated
@WebSocket(path = "/ws/chat")
public class ChatWebSocket {

    /** Close code for a {@code sessionId} that is unknown or someone else's (the two are not told apart). */
    public static final int SESSION_NOT_FOUND_CLOSE = 4404;

    private static final TypedKey<String> SESSION = TypedKey.forString("warden.session");
    private static final TypedKey<Long> ATTACHED_AT = TypedKey.forLong("warden.attachedAt");
    private static final TypedKey<Boolean> RESUMED = TypedKey.forBoolean("warden.resumed");

    private final SecurityIdentity identity;
    private final SessionStore sessions;
    private final SessionHub hub;
    private final TurnRunner turns;
    private final Tracer tracer;
    private final ClientMessageParser parser;
    private final ApprovalGate approvals;
    private final ObjectMapper mapper;

    ChatWebSocket(
            SecurityIdentity identity,
            SessionStore sessions,
            SessionHub hub,
            TurnRunner turns,
            Tracer tracer,
            ObjectMapper mapper,
            WardenConfig config,
            ApprovalGate approvals) {
        this.identity = identity;
        this.sessions = sessions;
        this.hub = hub;
        this.turns = turns;
        this.tracer = tracer;
        this.parser = new ClientMessageParser(mapper, config.limits().maxFrameBytes());
        this.approvals = approvals;
        this.mapper = mapper;
    }

    /** The first message on every connection. {@code seq} is the session's last event; it does not advance. */
    public record SessionReady(String sessionId, boolean resumed, long lastSeq) {}

    /** Answer to {@code ping}; its {@code seq} is the session's last event, a cheap way to notice missed events. */
    public record Pong(String replyTo) {}

    @OnOpen
    public void onOpen(WebSocketConnection connection) {
        User user = TokenIdentityProvider.user(identity);
        Span span = tracer.spanBuilder("warden.session.open")
                .setSpanKind(SpanKind.SERVER)
                .startSpan();
        try {
            String requested = queryParam(connection, "sessionId");
            String sessionId;
            boolean resumed = requested != null;
            if (resumed) {
                Optional<SessionStore.Session> session = sessions.findOwned(requested, user.id());
                if (session.isEmpty()) {
                    refuse(connection, span);
                    return;
                }
                sessionId = session.get().id();
            } else {
                sessionId = sessions.create(user.id()).id();
            }
            span.setAttribute("warden.session.id", sessionId);
            span.setAttribute("warden.user.id", user.id());
            long head = hub.head(sessionId);
            connection.userData().put(SESSION, sessionId);
            connection.userData().put(ATTACHED_AT, head);
            connection.userData().put(RESUMED, !resumed);
            hub.attach(sessionId, connection, !resumed);
            hub.reply(
                    sessionId, connection, traceId(span), new SessionReady(sessionId, resumed, head), "session_ready");
        } finally {
            span.end();
        }
    }

    @OnTextMessage
    public void onMessage(WebSocketConnection connection, String frame) {
        String sessionId = connection.userData().get(SESSION);
        if (sessionId == null) {
            return;
        }
        switch (parser.parse(frame)) {
            case ClientMessageParser.Invalid invalid -> {
                Span span = tracer.spanBuilder("warden.message.invalid").startSpan();
                span.setAttribute("warden.error.code", invalid.error().code());
                span.end();
                reply(sessionId, connection, traceId(span), invalid.error());
            }
            case ClientMessageParser.Valid valid -> handle(sessionId, connection, valid.message());
        }
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        String sessionId = connection.userData().get(SESSION);
        if (sessionId != null) {
            hub.detach(sessionId, connection.id());
        }
    }

    private void handle(String sessionId, WebSocketConnection connection, ClientMessage message) {
        if (!Boolean.TRUE.equals(connection.userData().put(RESUMED, true))
                && !(message instanceof ClientMessage.Resume)) {
            // A re-attached client that did not resume: deliver what happened since session_ready, then go live.
            resume(sessionId, connection, message.id(), connection.userData().get(ATTACHED_AT));
        }
        switch (message) {
            case ClientMessage.UserMessage userMessage -> startTurn(sessionId, connection, userMessage);
            case ClientMessage.Cancel cancel -> {
                Span span = tracer.spanBuilder("warden.cancel").startSpan();
                if (!turns.cancel(sessionId, cancel.turnId())) {
                    reply(
                            sessionId,
                            connection,
                            traceId(span),
                            new AgentEvent.Error(
                                    ErrorCodes.NO_ACTIVE_TURN,
                                    "No turn " + cancel.turnId() + " is running in this session.",
                                    cancel.id(),
                                    "turnId",
                                    true));
                }
                span.end();
            }
            case ClientMessage.Resume resume -> resume(sessionId, connection, resume.id(), resume.lastSeq());
            case ClientMessage.ApprovalDecision decision -> decide(sessionId, connection, decision);
            case ClientMessage.Ping ping -> {
                Span span = tracer.spanBuilder("warden.ping").startSpan();
                hub.reply(sessionId, connection, traceId(span), new Pong(ping.id()), "pong");
                span.end();
            }
        }
    }

    /**
     * Delivers the events after {@code lastSeq}, then repeats every approval still waiting in the session (a client that
     * lost its state, say a reloaded page, sees them again even if it already had the events).
     */
    private void resume(String sessionId, WebSocketConnection connection, String replyTo, long lastSeq) {
        Span span = tracer.spanBuilder("warden.resume").startSpan();
        hub.resume(sessionId, connection, replyTo, traceId(span), lastSeq);
        for (Approval pending : approvals.pendingForSession(sessionId)) {
            hub.reply(
                    sessionId,
                    connection,
                    traceId(span),
                    ApprovalEvents.required(pending, mapper),
                    "approval_required");
        }
        span.end();
    }

    private void decide(String sessionId, WebSocketConnection connection, ClientMessage.ApprovalDecision decision) {
        User user = TokenIdentityProvider.user(identity);
        Span span = tracer.spanBuilder("warden.approval.decision").startSpan();
        ApprovalGate.Outcome outcome = approvals.decide(
                decision.approvalId(), user.id(), decision.approve(), decision.scope(), "ws:" + connection.id());
        String code = switch (outcome) {
            case DECIDED -> null;
            case NOT_FOUND -> ErrorCodes.APPROVAL_NOT_FOUND;
            case EXPIRED -> ErrorCodes.APPROVAL_EXPIRED;
            case ALREADY_DECIDED -> ErrorCodes.APPROVAL_ALREADY_DECIDED;
        };
        if (code != null) {
            reply(
                    sessionId,
                    connection,
                    traceId(span),
                    new AgentEvent.Error(
                            code,
                            ApprovalEvents.explain(outcome, decision.approvalId()),
                            decision.id(),
                            "approvalId",
                            true));
        }
        span.end();
    }

    private void startTurn(String sessionId, WebSocketConnection connection, ClientMessage.UserMessage message) {
        User user = TokenIdentityProvider.user(identity);
        Context parent = TraceParents.parse(message.traceparent());
        Span span = tracer.spanBuilder("warden.turn")
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("warden.session.id", sessionId)
                .setAttribute("warden.user.id", user.id())
                .startSpan();
        String turnId = UUID.randomUUID().toString();
        span.setAttribute("warden.turn.id", turnId);
        Turn turn = new Turn(turnId, sessionId, user.id(), message.id(), message.text(), parent.with(span));
        TurnRunner.Start started = turns.start(turn);
        if (started == TurnRunner.Start.SHUTTING_DOWN) {
            span.setAttribute("warden.turn.outcome", "shutting_down");
            span.end();
            reply(
                    sessionId,
                    connection,
                    traceId(span),
                    new AgentEvent.Error(
                            ErrorCodes.SHUTTING_DOWN,
                            "This server is shutting down; reconnect (another one will take the session) and send it again.",
                            message.id(),
                            null,
                            true));
            return;
        }
        if (started == TurnRunner.Start.BUSY) {
            span.setAttribute("warden.turn.outcome", "busy");
            span.end();
            String running = turns.active(sessionId).map(Turn::id).orElse("?");
            reply(
                    sessionId,
                    connection,
                    traceId(span),
                    new AgentEvent.Error(
                            ErrorCodes.BUSY,
                            "A turn (" + running + ") is already running in this session; wait for its"
                                    + " turn_completed or cancel it.",
                            message.id(),
                            null,
                            true));
            return;
        }
        sessions.touch(sessionId, message.text());
    }

    private void reply(String sessionId, WebSocketConnection connection, String traceId, AgentEvent.Error error) {
        hub.reply(sessionId, connection, traceId, error, error.type());
    }

    private static void refuse(WebSocketConnection connection, Span span) {
        span.setAttribute("warden.error.code", ErrorCodes.SESSION_NOT_FOUND);
        connection.closeAndAwait(new CloseReason(SESSION_NOT_FOUND_CLOSE, ErrorCodes.SESSION_NOT_FOUND));
    }

    private static String traceId(Span span) {
        return span.getSpanContext().getTraceId();
    }

    private static String queryParam(WebSocketConnection connection, String name) {
        String query = connection.handshakeRequest().query();
        if (query == null || query.isEmpty()) {
            return null;
        }
        List<String> values = new QueryStringDecoder(query, false).parameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}

package dev.warden.observability;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;

/**
 * Who a piece of work is for, carried in the OpenTelemetry {@link Context} next to the turn's span: whatever runs with
 * a turn's context current (its stages, its tool calls, its closing) logs with the session, user and turn ids
 * ({@link TurnLogFilter}).
 */
public final class TurnContext {

    /** The ids of the turn a context belongs to. */
    public record Ids(String sessionId, String userId, String turnId) {}

    private static final ContextKey<Ids> IDS = ContextKey.named("warden.turn.ids");

    private TurnContext() {}

    /** {@code context} marked as belonging to this turn. */
    public static Context with(Context context, String sessionId, String userId, String turnId) {
        return context.with(IDS, new Ids(sessionId, userId, turnId));
    }

    /** The turn {@code context} belongs to, or null. */
    public static Ids of(Context context) {
        return context.get(IDS);
    }
}

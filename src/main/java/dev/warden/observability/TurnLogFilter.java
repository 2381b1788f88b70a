package dev.warden.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Puts the current turn's {@code traceId}, {@code spanId}, {@code sessionId}, {@code userId} and {@code turnId} into
 * every log record's MDC, so each line a turn logs (JSON in production, {@code %X{...}} in the console format) can be
 * joined with its trace and its session. Reads the OpenTelemetry context current on the logging thread; keys already
 * set are kept. Enabled by {@code quarkus.log.console.filter=warden-turn}.
 */
@LoggingFilter(name = "warden-turn")
public final class TurnLogFilter implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            enrich(ext, Context.current());
        }
        return true;
    }

    static void enrich(ExtLogRecord record, Context context) {
        SpanContext span = Span.fromContext(context).getSpanContext();
        if (span.isValid() && record.getMdc("traceId") == null) {
            record.putMdc("traceId", span.getTraceId());
            record.putMdc("spanId", span.getSpanId());
        }
        TurnContext.Ids ids = TurnContext.of(context);
        if (ids != null) {
            record.putMdc("sessionId", ids.sessionId());
            record.putMdc("userId", ids.userId());
            record.putMdc("turnId", ids.turnId());
        }
    }
}

package dev.warden.observability;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.lookup.LookupIfProperty;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Collection;

/**
 * Spans are always created (their trace ids are on every WebSocket message) but exported only when an OTLP endpoint is
 * configured. Quarkus would otherwise export to its default, localhost:4317, and log a failure every few seconds when
 * nothing listens there. While the endpoint is the default, this discarding exporter is a {@link SpanExporter} bean,
 * which makes Quarkus skip its OTLP exporter; setting {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT} (or the traces one)
 * removes it at run time, no rebuild needed.
 */
@Singleton
public class TraceExportSwitch {

    static final String QUARKUS_DEFAULT_ENDPOINT = "http://localhost:4317/";

    @Produces
    @Singleton
    @LookupIfProperty(name = "quarkus.otel.exporter.otlp.endpoint", stringValue = QUARKUS_DEFAULT_ENDPOINT)
    @LookupIfProperty(name = "quarkus.otel.exporter.otlp.traces.endpoint", stringValue = QUARKUS_DEFAULT_ENDPOINT)
    SpanExporter discardWhileNoEndpointIsConfigured() {
        return new DiscardingSpanExporter();
    }

    static final class DiscardingSpanExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}

package dev.warden.testing;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Every span the service ends, kept in memory for the tests to inspect (Quarkus exports to every {@code SpanExporter}
 * bean; spans reach it after {@code quarkus.otel.bsp.schedule.delay}).
 */
@ApplicationScoped
public class CapturedSpans {

    private static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return EXPORTER;
    }

    public static InMemorySpanExporter all() {
        return EXPORTER;
    }
}

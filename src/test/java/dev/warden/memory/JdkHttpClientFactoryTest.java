package dev.warden.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The HTTP client Chroma is called through: a call made inside a turn's trace carries it to the server. */
class JdkHttpClientFactoryTest {

    @Test
    void aCallInsideATraceSendsItsTraceparent() throws Exception {
        AtomicReference<String> received = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.set(exchange.getRequestHeaders().getFirst("traceparent"));
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            var client = new JdkHttpClientFactory()
                    .create()
                    .connectTimeout(Duration.ofSeconds(5))
                    .readTimeout(Duration.ofSeconds(5))
                    .build();
            HttpRequest request = HttpRequest.builder()
                    .method(HttpMethod.GET)
                    .url("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/heartbeat")
                    .build();
            SpanContext turn = SpanContext.create(
                    "4bf92f3577b34da6a3ce929d0e0e4736",
                    "00f067aa0ba902b7",
                    TraceFlags.getSampled(),
                    TraceState.getDefault());

            try (Scope ignored = Context.root().with(Span.wrap(turn)).makeCurrent()) {
                assertThat(client.execute(request).statusCode()).isEqualTo(200);
            }
            assertThat(received.get()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

            client.execute(request);
            assertThat(received.get()).as("no trace, no header").isNull();
        } finally {
            server.stop(0);
        }
    }
}

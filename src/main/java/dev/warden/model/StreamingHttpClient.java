package dev.warden.model;

import static dev.langchain4j.http.client.sse.ServerSentEventListenerUtils.ignoringExceptions;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * langchain4j's HTTP client contract on the JDK's {@code java.net.http} client, for the providers built on it (Gemini,
 * Ollama). Written here because neither available one fits: Quarkus's JAX-RS client reads a whole streamed body before
 * the parser sees a byte (no token would stream), and langchain4j-http-client-jdk registers a second SPI factory that
 * makes langchain4j's client lookup fail. This one streams, closes the connection when the parsing handle is cancelled
 * (closing the body stream aborts the exchange), and sends the current trace's W3C {@code traceparent}.
 */
final class StreamingHttpClient implements HttpClient {

    private final java.net.http.HttpClient delegate;
    private final Duration readTimeout;

    private StreamingHttpClient(Builder builder) {
        this.delegate = java.net.http.HttpClient.newBuilder()
                .connectTimeout(builder.connectTimeout == null ? Duration.ofSeconds(10) : builder.connectTimeout)
                .version(Version.HTTP_1_1)
                .build();
        this.readTimeout = builder.readTimeout;
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        try {
            HttpResponse<String> response = delegate.send(toJdk(request), BodyHandlers.ofString());
            if (!successful(response)) {
                throw new HttpException(response.statusCode(), response.body());
            }
            return toResponse(response, response.body());
        } catch (HttpTimeoutException e) {
            throw new TimeoutException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling " + request.url(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        delegate.sendAsync(toJdk(request), BodyHandlers.ofInputStream())
                .thenAccept(response -> {
                    if (!successful(response)) {
                        HttpException failure = new HttpException(response.statusCode(), readBody(response));
                        ignoringExceptions(() -> listener.onError(failure));
                        return;
                    }
                    ignoringExceptions(() -> listener.onOpen(toResponse(response, null)));
                    // The parser blocks on the body; a virtual thread keeps the JDK client's pool free.
                    Thread.ofVirtual().name("model-stream").start(() -> {
                        try (InputStream body = response.body()) {
                            parser.parse(body, listener);
                            ignoringExceptions(listener::onClose);
                        } catch (IOException e) {
                            ignoringExceptions(() -> listener.onError(e));
                        }
                    });
                })
                .exceptionally(failure -> {
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    Throwable reported = cause instanceof HttpTimeoutException ? new TimeoutException(cause) : cause;
                    ignoringExceptions(() -> listener.onError(reported));
                    return null;
                });
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        var builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach((name, values) -> {
            if (values != null) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        W3CTraceContextPropagator.getInstance().inject(Context.current(), builder, (carrier, key, value) -> {
            if (carrier != null) {
                carrier.setHeader(key, value);
            }
        });
        builder.method(
                request.method().name(),
                request.body() == null
                        ? BodyPublishers.noBody()
                        : BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        if (readTimeout != null) {
            builder.timeout(readTimeout);
        }
        return builder.build();
    }

    private static SuccessfulHttpResponse toResponse(HttpResponse<?> response, String body) {
        return SuccessfulHttpResponse.builder()
                .statusCode(response.statusCode())
                .headers(response.headers().map())
                .body(body)
                .build();
    }

    private static boolean successful(HttpResponse<?> response) {
        return response.statusCode() >= 200 && response.statusCode() < 300;
    }

    private static String readBody(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            return new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(could not read the error body: " + e.getMessage() + ")";
        }
    }

    static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout;
        private Duration readTimeout;

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        @Override
        public StreamingHttpClient build() {
            return new StreamingHttpClient(this);
        }
    }
}

package dev.warden.memory;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpClientBuilderFactory;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
 * The HTTP client langchain4j finds by lookup ({@code META-INF/services}) for the modules that take no client of their
 * own; today only the Chroma store, whose builder has no {@code httpClientBuilder}. It follows the pattern of
 * {@code dev.warden.model.StreamingHttpClient}: the JDK's {@code java.net.http} client on HTTP/1.1 (Chroma's server does
 * not speak the JDK's HTTP/2 upgrade), the current trace's W3C {@code traceparent} on every request.
 * langchain4j-http-client-jdk would be the stock choice, but a second factory on the class path makes the lookup fail,
 * so Warden ships exactly one: this. Streaming (server-sent events) is read whole, then parsed; no lookup user streams.
 */
public final class JdkHttpClientFactory implements HttpClientBuilderFactory {

    @Override
    public HttpClientBuilder create() {
        return new Builder();
    }

    static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout;

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            if (timeout != null) {
                this.connectTimeout = timeout;
            }
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
        public HttpClient build() {
            return new Client(connectTimeout, readTimeout);
        }
    }

    static final class Client implements HttpClient {
        private final java.net.http.HttpClient delegate;
        private final Duration readTimeout;

        Client(Duration connectTimeout, Duration readTimeout) {
            this.delegate = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .version(Version.HTTP_1_1)
                    .build();
            this.readTimeout = readTimeout;
        }

        @Override
        public SuccessfulHttpResponse execute(HttpRequest request) {
            try {
                HttpResponse<String> response = delegate.send(toJdk(request), BodyHandlers.ofString());
                if (response.statusCode() < 200 || response.statusCode() >= 300) {
                    throw new HttpException(response.statusCode(), response.body());
                }
                return SuccessfulHttpResponse.builder()
                        .statusCode(response.statusCode())
                        .headers(response.headers().map())
                        .body(response.body())
                        .build();
            } catch (HttpTimeoutException e) {
                throw new TimeoutException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while calling " + request.url(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not reach " + request.url() + ": " + e, e);
            }
        }

        @Override
        public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
            try {
                SuccessfulHttpResponse response = execute(request);
                listener.onOpen(response);
                parser.parse(new ByteArrayInputStream(response.body().getBytes(StandardCharsets.UTF_8)), listener);
                listener.onClose();
            } catch (RuntimeException e) {
                listener.onError(e);
            }
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
    }
}

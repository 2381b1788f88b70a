package dev.warden.model;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.warden.agent.ModelFailure;
import dev.warden.agent.ModelStage;
import dev.warden.agent.Turn;
import dev.warden.observability.GenAi;
import dev.warden.observability.TracingContent;
import dev.warden.observability.WardenMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams one model call as a {@link Multi}: tokens, then the complete response. Each call is a {@code chat {model}}
 * span under the turn, current while the request is made, so the provider receives the turn's {@code traceparent}.
 */
@ApplicationScoped
public class StreamingModelStage implements ModelStage {

    private final ModelProviders providers;
    private final Tracer tracer;
    private final WardenMetrics metrics;
    private final TracingContent content;

    StreamingModelStage(ModelProviders providers, Tracer tracer, WardenMetrics metrics, TracingContent content) {
        this.providers = providers;
        this.tracer = tracer;
        this.metrics = metrics;
        this.content = content;
    }

    @Override
    public Multi<ModelEvent> stream(Turn turn, ChatRequest request) {
        return Multi.createFrom().emitter(emitter -> start(turn, request, emitter), BackPressureStrategy.BUFFER);
    }

    private void start(Turn turn, ChatRequest request, MultiEmitter<? super ModelEvent> emitter) {
        ChatModelClient client = providers.client();
        Span span = tracer.spanBuilder("chat " + client.model())
                .setParent(turn.traceContext())
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(GenAi.OPERATION_NAME, "chat")
                .setAttribute(GenAi.PROVIDER_NAME, client.provider())
                .setAttribute(GenAi.REQUEST_MODEL, client.model())
                .startSpan();
        if (content.enabled()) {
            span.setAttribute(
                    GenAi.INPUT_MESSAGES,
                    dev.warden.agent.Transcripts.messages(request.messages()).toString());
        }
        long started = System.nanoTime();
        AtomicBoolean firstToken = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        java.util.function.Consumer<ChatResponse> end = response -> {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            Integer input = null;
            Integer output = null;
            if (response != null) {
                if (response.modelName() != null) {
                    span.setAttribute(GenAi.RESPONSE_MODEL, response.modelName());
                }
                if (response.tokenUsage() != null) {
                    input = response.tokenUsage().inputTokenCount();
                    output = response.tokenUsage().outputTokenCount();
                    if (input != null) {
                        span.setAttribute(GenAi.USAGE_INPUT_TOKENS, input.longValue());
                    }
                    if (output != null) {
                        span.setAttribute(GenAi.USAGE_OUTPUT_TOKENS, output.longValue());
                    }
                }
                span.setAttribute(
                        GenAi.RESPONSE_FINISH_REASONS,
                        java.util.List.of(dev.warden.agent.AgentLoop.finishReason(response)));
                if (content.enabled() && response.aiMessage().text() != null) {
                    span.setAttribute(GenAi.OUTPUT_TEXT, response.aiMessage().text());
                }
            }
            metrics.modelCall(
                    client.provider(),
                    client.model(),
                    elapsed,
                    input,
                    output,
                    response == null ? "failed_or_cancelled" : null);
            span.end();
        };
        emitter.emit(new ModelEvent.Started(client.provider(), client.model(), client.parameters(request)));
        ChatModelClient.Call call;
        try (Scope ignored = turn.traceContext().with(span).makeCurrent()) {
            call = client.stream(request, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partialResponse) {
                    if (firstToken.compareAndSet(false, true)) {
                        Duration ttft = Duration.ofNanos(System.nanoTime() - started);
                        span.addEvent(
                                GenAi.FIRST_TOKEN_EVENT,
                                io.opentelemetry.api.common.Attributes.of(
                                        GenAi.TIME_TO_FIRST_TOKEN_MS, ttft.toMillis()));
                        metrics.timeToFirstToken(client.provider(), client.model(), ttft);
                    }
                    emitter.emit(new ModelEvent.Token(partialResponse));
                }

                @Override
                public void onCompleteResponse(ChatResponse completeResponse) {
                    end.accept(completeResponse);
                    emitter.emit(new ModelEvent.Completed(completeResponse));
                    emitter.complete();
                }

                @Override
                public void onError(Throwable error) {
                    span.recordException(error);
                    span.setStatus(StatusCode.ERROR);
                    span.setAttribute(GenAi.ERROR_TYPE, error.getClass().getSimpleName());
                    end.accept(null);
                    emitter.fail(new ModelFailure(describe(client, error), error));
                }
            });
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(GenAi.ERROR_TYPE, e.getClass().getSimpleName());
            end.accept(null);
            emitter.fail(new ModelFailure(describe(client, e), e));
            return;
        }
        emitter.onTermination(() -> {
            call.cancel();
            end.accept(null);
        });
    }

    private static String describe(ChatModelClient client, Throwable error) {
        String detail = error.getMessage() != null
                ? error.getMessage()
                : error.getClass().getSimpleName();
        return "The model provider " + client.provider() + " (" + client.model() + ") failed: " + detail;
    }
}

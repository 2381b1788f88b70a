package dev.warden.model;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.warden.agent.ModelFailure;
import dev.warden.agent.ModelStage;
import dev.warden.agent.Turn;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams one model call as a {@link Multi}: tokens, then the complete response. Each call is a {@code chat {model}}
 * span under the turn, current while the request is made, so the provider receives the turn's {@code traceparent}.
 */
@ApplicationScoped
public class StreamingModelStage implements ModelStage {

    private final ModelProviders providers;
    private final Tracer tracer;

    StreamingModelStage(ModelProviders providers, Tracer tracer) {
        this.providers = providers;
        this.tracer = tracer;
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
                .setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.provider.name", client.provider())
                .setAttribute("gen_ai.request.model", client.model())
                .startSpan();
        AtomicBoolean ended = new AtomicBoolean();
        Runnable endSpan = () -> {
            if (ended.compareAndSet(false, true)) {
                span.end();
            }
        };
        emitter.emit(new ModelEvent.Started(client.provider(), client.model()));
        ChatModelClient.Call call;
        try (Scope ignored = turn.traceContext().with(span).makeCurrent()) {
            call = client.stream(request, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partialResponse) {
                    emitter.emit(new ModelEvent.Token(partialResponse));
                }

                @Override
                public void onCompleteResponse(ChatResponse completeResponse) {
                    endSpan.run();
                    emitter.emit(new ModelEvent.Completed(completeResponse));
                    emitter.complete();
                }

                @Override
                public void onError(Throwable error) {
                    span.recordException(error);
                    span.setStatus(StatusCode.ERROR);
                    endSpan.run();
                    emitter.fail(new ModelFailure(describe(client, error), error));
                }
            });
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            endSpan.run();
            emitter.fail(new ModelFailure(describe(client, e), e));
            return;
        }
        emitter.onTermination(() -> {
            call.cancel();
            endSpan.run();
        });
    }

    private static String describe(ChatModelClient client, Throwable error) {
        String detail = error.getMessage() != null
                ? error.getMessage()
                : error.getClass().getSimpleName();
        return "The model provider " + client.provider() + " (" + client.model() + ") failed: " + detail;
    }
}

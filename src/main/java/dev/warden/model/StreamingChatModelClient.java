package dev.warden.model;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A langchain4j {@link StreamingChatModel} (OpenAI, Gemini, Ollama) on Warden's {@link StreamingHttpClient}: the model
 * hands a {@link StreamingHandle} to every streamed callback, and cancelling it closes the HTTP response. A cancel that comes
 * before the first callback takes effect at that callback.
 */
final class StreamingChatModelClient implements ChatModelClient {

    private final String provider;
    private final String model;
    private final StreamingChatModel delegate;

    StreamingChatModelClient(String provider, String model, StreamingChatModel delegate) {
        this.provider = provider;
        this.model = model;
        this.delegate = delegate;
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public java.util.Map<String, Object> parameters(ChatRequest request) {
        dev.langchain4j.model.chat.request.ChatRequestParameters effective = delegate.defaultRequestParameters();
        if (effective == null) {
            effective = request.parameters();
        } else if (request.parameters() != null) {
            effective = effective.overrideWith(request.parameters());
        }
        java.util.Map<String, Object> set = new java.util.TreeMap<>();
        if (effective == null) {
            return set;
        }
        put(set, "temperature", effective.temperature());
        put(set, "topP", effective.topP());
        put(set, "topK", effective.topK());
        put(set, "maxOutputTokens", effective.maxOutputTokens());
        put(set, "frequencyPenalty", effective.frequencyPenalty());
        put(set, "presencePenalty", effective.presencePenalty());
        put(
                set,
                "stopSequences",
                effective.stopSequences() == null || effective.stopSequences().isEmpty()
                        ? null
                        : effective.stopSequences());
        put(
                set,
                "toolChoice",
                effective.toolChoice() == null
                        ? null
                        : effective.toolChoice().name().toLowerCase(java.util.Locale.ROOT));
        put(
                set,
                "responseFormat",
                effective.responseFormat() == null || effective.responseFormat().type() == null
                        ? null
                        : effective.responseFormat().type().name().toLowerCase(java.util.Locale.ROOT));
        return set;
    }

    private static void put(java.util.Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    @Override
    public Call stream(ChatRequest request, StreamingChatResponseHandler handler) {
        CancellableHandler cancellable = new CancellableHandler(handler);
        delegate.chat(request, cancellable);
        return cancellable::cancel;
    }

    private static final class CancellableHandler implements StreamingChatResponseHandler {
        private final StreamingChatResponseHandler target;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private volatile StreamingHandle handle;

        CancellableHandler(StreamingChatResponseHandler target) {
            this.target = target;
        }

        void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                StreamingHandle known = handle;
                if (known != null) {
                    known.cancel();
                }
            }
        }

        /** Remembers the handle; false (and the stream closed) when the call was cancelled meanwhile. */
        private boolean live(StreamingHandle streamingHandle) {
            handle = streamingHandle;
            if (cancelled.get()) {
                streamingHandle.cancel();
                return false;
            }
            return true;
        }

        @Override
        public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
            if (live(context.streamingHandle())) {
                target.onPartialResponse(partialResponse.text());
            }
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
            live(context.streamingHandle());
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
            live(context.streamingHandle());
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall completeToolCall) {}

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            if (!cancelled.get()) {
                target.onCompleteResponse(completeResponse);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!cancelled.get()) {
                target.onError(error);
            }
        }
    }
}

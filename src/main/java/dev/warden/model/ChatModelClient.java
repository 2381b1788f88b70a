package dev.warden.model;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

/** One configured model provider that streams answers and can abandon a call midway. */
public interface ChatModelClient {

    /** The provider, as OpenTelemetry's {@code gen_ai.provider.name} names it (e.g. {@code openai}). */
    String provider();

    /** The model requested, e.g. {@code gpt-4o-mini}. */
    String model();

    /**
     * The generation parameters {@code request} goes out with: the model's configured defaults overridden by the
     * request's own, only those set (e.g. {@code temperature}, {@code maxOutputTokens}), for the journal.
     */
    default java.util.Map<String, Object> parameters(ChatRequest request) {
        return java.util.Map.of();
    }

    /**
     * Starts streaming the answer to {@code request} into {@code handler}. The returned call's {@link Call#cancel()}
     * closes the provider's HTTP request; after it, the handler hears nothing more.
     */
    Call stream(ChatRequest request, StreamingChatResponseHandler handler);

    /** A model call in flight. */
    interface Call {
        void cancel();
    }
}

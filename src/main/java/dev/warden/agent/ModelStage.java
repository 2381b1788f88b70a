package dev.warden.agent;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.smallrye.mutiny.Multi;

/**
 * Third stage: one streamed model call. Cancelling the returned {@link Multi} cancels the provider's HTTP request.
 */
public interface ModelStage {

    Multi<ModelEvent> stream(Turn turn, ChatRequest request);

    /** What a streamed model call yields: which model answers, tokens, then exactly one complete response. */
    sealed interface ModelEvent {
        /**
         * The call went out to {@code model} of {@code provider} with these generation parameters (temperature, maximum
         * output tokens, … as the provider receives them; only those set). Always first.
         */
        record Started(String provider, String model, java.util.Map<String, Object> parameters) implements ModelEvent {
            public Started {
                parameters = parameters == null ? java.util.Map.of() : java.util.Map.copyOf(parameters);
            }
        }

        record Token(String text) implements ModelEvent {}

        record Completed(ChatResponse response) implements ModelEvent {}
    }

    /** The provider cannot be used because it is not configured; the message says what to set. */
    final class ModelNotConfiguredException extends RuntimeException {
        public ModelNotConfiguredException(String message) {
            super(message);
        }
    }
}

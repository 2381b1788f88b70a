package dev.warden.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The Google AI Gemini settings, read as {@code warden.model.gemini.*} and, as a fallback, under quarkus-langchain4j's standard names
 * ({@code QUARKUS_LANGCHAIN4J_AI_GEMINI_API_KEY}, {@code QUARKUS_LANGCHAIN4J_AI_GEMINI_CHAT_MODEL_MODEL_ID}, ...).
 */
@ConfigMapping(prefix = "warden.model.gemini")
public interface GeminiSettings {

    /** The API key. No default: Gemini is not configured without it. */
    Optional<String> apiKey();

    /** The API's base URL. Default {@code https://generativelanguage.googleapis.com/v1beta}. */
    @WithDefault("https://generativelanguage.googleapis.com/v1beta")
    String baseUrl();

    /** Timeout of one call. Default 60 seconds. */
    Optional<Duration> timeout();

    /** Log the requests sent to the provider. Default false. */
    @WithDefault("false")
    boolean logRequests();

    /** Log the provider's responses. Default false. */
    @WithDefault("false")
    boolean logResponses();

    ChatModel chatModel();

    interface ChatModel {
        /** The model. Default {@code gemini-2.5-flash}. */
        @WithDefault("gemini-2.5-flash")
        String modelId();

        /** Most tokens in one answer. Default 8192. */
        @WithDefault("8192")
        int maxOutputTokens();

        /** Sampling temperature; the provider's default when unset. */
        Optional<Double> temperature();

        /** Top-k sampling; the provider's default when unset. */
        Optional<Integer> topK();

        /** Nucleus sampling; the provider's default when unset. */
        Optional<Double> topP();
    }
}

package dev.warden.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The OpenAI settings, read as {@code warden.model.openai.*} and, as a fallback, under quarkus-langchain4j's standard names so its documentation and environment variables
 * ({@code QUARKUS_LANGCHAIN4J_OPENAI_API_KEY}, {@code QUARKUS_LANGCHAIN4J_OPENAI_BASE_URL}, ...) apply unchanged.
 */
@ConfigMapping(prefix = "warden.model.openai")
public interface OpenAiSettings {

    /** The API's base URL; any OpenAI-compatible server's {@code /v1/}. Default {@code https://api.openai.com/v1/}. */
    @WithDefault(OpenAiSettings.DEFAULT_BASE_URL)
    String baseUrl();

    String DEFAULT_BASE_URL = "https://api.openai.com/v1/";

    /** The API key. No default: OpenAI itself is not configured without it. */
    Optional<String> apiKey();

    /** The OpenAI organization, if the key belongs to several. */
    Optional<String> organizationId();

    /** Timeout of one call (connect, and the wait for the response to start). Default 60 seconds. */
    Optional<Duration> timeout();

    /** Log the requests sent to the provider (with their content). Default false. */
    @WithDefault("false")
    boolean logRequests();

    /** Log the provider's responses. Default false. */
    @WithDefault("false")
    boolean logResponses();

    ChatModel chatModel();

    interface ChatModel {
        /** The model. Default {@code gpt-4o-mini}. */
        @WithDefault("gpt-4o-mini")
        String modelName();

        /** Sampling temperature; the provider's default when unset. */
        Optional<Double> temperature();

        /** Nucleus sampling; the provider's default when unset. */
        Optional<Double> topP();

        /** Most tokens in one answer; the provider's default when unset. */
        Optional<Integer> maxTokens();
    }
}

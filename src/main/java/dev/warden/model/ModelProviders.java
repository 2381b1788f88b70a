package dev.warden.model;

import dev.langchain4j.model.googleai.GoogleAiGeminiStreamingChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.warden.agent.ModelStage.ModelNotConfiguredException;
import dev.warden.config.WardenConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Locale;

/**
 * The model provider chosen at run time by {@code WARDEN_MODEL_PROVIDER}. OpenAI and Gemini read quarkus-langchain4j's
 * standard property names ({@code QUARKUS_LANGCHAIN4J_OPENAI_API_KEY}, {@code QUARKUS_LANGCHAIN4J_AI_GEMINI_API_KEY},
 * ...); Ollama reads {@code warden.model.ollama.*}. A provider that is not configured is not an error at start: each
 * turn then ends with {@code model_not_configured}, saying what to set.
 */
@ApplicationScoped
public class ModelProviders {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final WardenConfig config;
    private final OpenAiSettings openAi;
    private final GeminiSettings gemini;
    private volatile ChatModelClient client;

    ModelProviders(WardenConfig config, OpenAiSettings openAi, GeminiSettings gemini) {
        this.config = config;
        this.openAi = openAi;
        this.gemini = gemini;
    }

    void logChoice(@Observes StartupEvent event) {
        try {
            ChatModelClient chosen = client();
            Log.infof("Model provider: %s, model %s", chosen.provider(), chosen.model());
        } catch (ModelNotConfiguredException e) {
            Log.warn(e.getMessage());
        }
    }

    /** The configured provider's client; throws {@link ModelNotConfiguredException} saying what is missing. */
    public ChatModelClient client() {
        ChatModelClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    client = create();
                }
                current = client;
            }
        }
        return current;
    }

    private ChatModelClient create() {
        return create(config.model().provider());
    }

    /** A new client for {@code provider} (openai, gemini, ollama) from the current configuration. */
    ChatModelClient create(String name) {
        String provider = name.trim().toLowerCase(Locale.ROOT);
        return switch (provider) {
            case "openai" -> openAi();
            case "gemini" -> gemini();
            case "ollama" -> ollama();
            default ->
                throw new ModelNotConfiguredException(
                        "WARDEN_MODEL_PROVIDER is '" + provider + "'; set it to openai, gemini or ollama.");
        };
    }

    private ChatModelClient openAi() {
        boolean ownServer = !OpenAiSettings.DEFAULT_BASE_URL.equals(openAi.baseUrl());
        if (openAi.apiKey().filter(key -> !key.isBlank()).isEmpty() && !ownServer) {
            throw new ModelNotConfiguredException(
                    "No model is configured. For OpenAI set QUARKUS_LANGCHAIN4J_OPENAI_API_KEY;"
                            + " for an OpenAI-compatible server (vLLM, llama.cpp, LM Studio, Ollama) set"
                            + " QUARKUS_LANGCHAIN4J_OPENAI_BASE_URL; or set WARDEN_MODEL_PROVIDER=gemini or ollama.");
        }
        var chat = openAi.chatModel();
        var builder = OpenAiStreamingChatModel.builder()
                .httpClientBuilder(StreamingHttpClient.builder())
                .baseUrl(openAi.baseUrl())
                .apiKey(openAi.apiKey().orElse(null))
                .organizationId(openAi.organizationId().orElse(null))
                .modelName(chat.modelName())
                .timeout(openAi.timeout().orElse(DEFAULT_TIMEOUT))
                .logRequests(openAi.logRequests())
                .logResponses(openAi.logResponses());
        chat.temperature().ifPresent(builder::temperature);
        chat.topP().ifPresent(builder::topP);
        chat.maxTokens().ifPresent(builder::maxTokens);
        return new StreamingChatModelClient("openai", chat.modelName(), builder.build());
    }

    private ChatModelClient gemini() {
        if (gemini.apiKey().filter(key -> !key.isBlank()).isEmpty()) {
            throw new ModelNotConfiguredException("Gemini is selected but not configured:"
                    + " set QUARKUS_LANGCHAIN4J_AI_GEMINI_API_KEY (and optionally"
                    + " QUARKUS_LANGCHAIN4J_AI_GEMINI_CHAT_MODEL_MODEL_ID).");
        }
        var chat = gemini.chatModel();
        var builder = GoogleAiGeminiStreamingChatModel.builder()
                .httpClientBuilder(StreamingHttpClient.builder())
                .baseUrl(gemini.baseUrl())
                .apiKey(gemini.apiKey().get())
                .modelName(chat.modelId())
                .maxOutputTokens(chat.maxOutputTokens())
                .timeout(gemini.timeout().orElse(DEFAULT_TIMEOUT))
                .logRequests(gemini.logRequests())
                .logResponses(gemini.logResponses());
        chat.temperature().ifPresent(builder::temperature);
        chat.topK().ifPresent(builder::topK);
        chat.topP().ifPresent(builder::topP);
        return new StreamingChatModelClient("gcp.gemini", chat.modelId(), builder.build());
    }

    private ChatModelClient ollama() {
        var ollama = config.model().ollama();
        String model = ollama.modelName()
                .orElseThrow(() -> new ModelNotConfiguredException(
                        "Ollama is selected but no model is set: set WARDEN_MODEL_OLLAMA_MODEL_NAME (e.g. llama3.1) and, if"
                                + " Ollama is not on localhost:11434, WARDEN_MODEL_OLLAMA_BASE_URL."));
        var builder = OllamaStreamingChatModel.builder()
                .httpClientBuilder(StreamingHttpClient.builder())
                .baseUrl(ollama.baseUrl())
                .modelName(model)
                .timeout(ollama.timeout());
        ollama.temperature().ifPresent(builder::temperature);
        return new StreamingChatModelClient("ollama", model, builder.build());
    }
}

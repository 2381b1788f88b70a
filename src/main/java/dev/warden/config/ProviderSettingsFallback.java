package dev.warden.config;

import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.FallbackConfigSourceInterceptor;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.Iterator;

/**
 * Lets the operator configure OpenAI and Gemini with quarkus-langchain4j's standard names
 * ({@code QUARKUS_LANGCHAIN4J_OPENAI_API_KEY}, {@code quarkus.langchain4j.ai.gemini.chat-model.model-id}, ...) although
 * Warden reads them as {@code warden.model.openai.*} and {@code warden.model.gemini.*}: a setting under Warden's name
 * wins, the standard name is the fallback. (Mapping the {@code quarkus.} names directly would make Quarkus warn that
 * they are unknown, since no extension owns them here.)
 */
@Priority(Priorities.LIBRARY + 600)
public class ProviderSettingsFallback extends FallbackConfigSourceInterceptor {

    static final String OPENAI = "warden.model.openai.";
    static final String GEMINI = "warden.model.gemini.";

    public ProviderSettingsFallback() {
        super(ProviderSettingsFallback::standardName);
    }

    /** Names are listed as they are: the fallback is for lookups only, so no {@code quarkus.} name appears unbidden. */
    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        return context.iterateNames();
    }

    static String standardName(String name) {
        if (name.startsWith(OPENAI)) {
            return "quarkus.langchain4j.openai." + name.substring(OPENAI.length());
        }
        if (name.startsWith(GEMINI)) {
            return "quarkus.langchain4j.ai.gemini." + name.substring(GEMINI.length());
        }
        return name;
    }
}

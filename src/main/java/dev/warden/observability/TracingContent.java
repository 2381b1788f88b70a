package dev.warden.observability;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether prompt and completion text go into spans. */
@ConfigMapping(prefix = "warden.tracing")
public interface TracingContent {

    /**
     * Record prompts and completions in spans ({@code gen_ai.input.messages}, {@code gen_ai.output.messages}). Default
     * {@code false}: traces carry no conversation text unless the operator asks for it.
     */
    @WithDefault("false")
    boolean includeContent();

    default boolean enabled() {
        return includeContent();
    }
}

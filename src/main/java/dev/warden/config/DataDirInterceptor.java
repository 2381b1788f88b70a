package dev.warden.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.nio.file.Path;

/**
 * Makes {@code warden.data-dir} absolute wherever it is read, including inside other properties such as the H2 URL
 * (H2 refuses an implicitly relative path like {@code data/db}). {@code WARDEN_DATA_DIR=data} then just works.
 */
@Priority(Priorities.LIBRARY + 250)
public class DataDirInterceptor implements ConfigSourceInterceptor {

    static final String DATA_DIR = "warden.data-dir";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!DATA_DIR.equals(name)
                || value == null
                || value.getValue() == null
                || value.getValue().isBlank()) {
            return value;
        }
        return value.withValue(
                Path.of(value.getValue()).toAbsolutePath().normalize().toString());
    }
}

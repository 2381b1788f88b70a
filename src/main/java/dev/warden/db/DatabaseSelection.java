package dev.warden.db;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns {@code WARDEN_DATABASE=h2|postgresql} into which of the two datasources is active (Quarkus fixes a datasource's
 * kind at build time, so the image carries both and activates one at start). Its ordinal sits above
 * application.properties and below environment variables, so an operator can still set the Quarkus flags directly.
 */
public class DatabaseSelection implements ConfigSourceFactory {

    static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue chosen = context.getValue("warden.database");
        boolean postgres = chosen != null
                && chosen.getValue() != null
                && Database.POSTGRESQL.equals(chosen.getValue().trim().toLowerCase(Locale.ROOT));
        return List.of(new PropertiesConfigSource(
                Map.of(
                        "quarkus.datasource.active",
                        String.valueOf(!postgres),
                        "quarkus.datasource." + Database.POSTGRESQL + ".active",
                        String.valueOf(postgres)),
                "warden-database-selection",
                ORDINAL));
    }
}

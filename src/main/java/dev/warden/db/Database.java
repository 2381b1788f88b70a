package dev.warden.db;

import dev.warden.config.WardenConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.flyway.FlywayDataSource;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;
import java.util.Locale;
import org.flywaydb.core.Flyway;

/**
 * The database chosen at start: the embedded H2 file (default) or PostgreSQL ({@code WARDEN_DATABASE=postgresql} with
 * {@code WARDEN_DATABASE_URL}, {@code _USERNAME}, {@code _PASSWORD}). Everything else asks this bean for its data
 * source, so the rest of Warden never knows which one it is.
 */
@ApplicationScoped
public class Database {

    public static final String H2 = "h2";
    public static final String POSTGRESQL = "postgresql";

    private final String kind;
    private final Instance<AgroalDataSource> dataSources;
    private final Instance<Flyway> flyways;
    private volatile AgroalDataSource dataSource;

    Database(WardenConfig config, @Any Instance<AgroalDataSource> dataSources, @Any Instance<Flyway> flyways) {
        this.kind = config.database().kind().trim().toLowerCase(Locale.ROOT);
        if (!kind.equals(H2) && !kind.equals(POSTGRESQL)) {
            throw new ConfigurationException(
                    "WARDEN_DATABASE is '" + config.database().kind() + "'; set it to h2 or postgresql.");
        }
        this.dataSources = dataSources;
        this.flyways = flyways;
    }

    public String kind() {
        return kind;
    }

    public AgroalDataSource dataSource() {
        AgroalDataSource current = dataSource;
        if (current == null) {
            current = kind.equals(POSTGRESQL)
                    ? dataSources
                            .select(new DataSource.DataSourceLiteral(POSTGRESQL))
                            .get()
                    : dataSources.select(Default.Literal.INSTANCE).get();
            dataSource = current;
        }
        return current;
    }

    Flyway flyway() {
        return kind.equals(POSTGRESQL)
                ? flyways.select(FlywayDataSource.FlywayDataSourceLiteral.of(POSTGRESQL))
                        .get()
                : flyways.select(Default.Literal.INSTANCE).get();
    }
}

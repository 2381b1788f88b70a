package dev.warden.db;

import dev.warden.security.RootGuard;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Applies the Flyway migrations at start-up, after the root check (Quarkus's own migrate-at-start would run before it
 * and create database files as root).
 */
@ApplicationScoped
public class Migrations {

    public static final int PRIORITY = RootGuard.PRIORITY + 10;

    private final Database database;

    Migrations(Database database) {
        this.database = database;
    }

    void onStart(@Observes @Priority(PRIORITY) StartupEvent event) {
        var result = database.flyway().migrate();
        if (result.migrationsExecuted > 0) {
            Log.infof("Database migrated to version %s", result.targetSchemaVersion);
        }
    }
}

package dev.warden.security;

import dev.warden.config.WardenConfig;
import dev.warden.db.Migrations;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Makes sure someone can sign in. With {@code WARDEN_AUTH_BOOTSTRAP_TOKEN} set, the admin's token is that value at
 * every start (an operator rotates it by changing the variable). Without it, the first start generates a token and
 * prints it once; later starts leave the admin alone.
 */
@ApplicationScoped
public class BootstrapAdmin {

    private final WardenConfig config;
    private final UserStore users;

    BootstrapAdmin(WardenConfig config, UserStore users) {
        this.config = config;
        this.users = users;
    }

    void onStart(@Observes @Priority(Migrations.PRIORITY + 10) StartupEvent event) {
        String adminName = config.auth().bootstrapUser();
        config.auth()
                .bootstrapToken()
                .filter(token -> !token.isBlank())
                .ifPresentOrElse(token -> users.upsertAdmin(adminName, token), () -> {
                    if (users.count() == 0) {
                        String token = Tokens.generate();
                        users.upsertAdmin(adminName, token);
                        // Printed once, on purpose: this is the only way to learn the generated token.
                        Log.warnf(
                                "Created the admin user '%s'. Its token, shown only this once: %s"
                                        + " (set WARDEN_AUTH_BOOTSTRAP_TOKEN to choose it yourself)",
                                adminName, token);
                    }
                });
    }
}

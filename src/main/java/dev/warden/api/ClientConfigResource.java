package dev.warden.api;

import dev.warden.config.WardenConfig;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** What the web client needs to know about this installation, read once after sign-in (docs/ui.md). */
@Path("/api/client-config")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class ClientConfigResource {

    /** {@code traceViewerUrl}: a link for trace ids with {@code {traceId}} in it, or null when none is configured. */
    public record ClientConfig(String traceViewerUrl) {}

    private final WardenConfig config;

    ClientConfigResource(WardenConfig config) {
        this.config = config;
    }

    @GET
    public ClientConfig get() {
        return new ClientConfig(config.ui().traceViewerUrl().orElse(null));
    }
}

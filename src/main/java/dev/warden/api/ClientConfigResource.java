package dev.warden.api;

import dev.warden.config.WardenConfig;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the web client needs to know about this installation, read once after sign-in (docs/ui.md). */
@Path("/api/client-config")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
@Tag(name = ClientConfigResource.TAG)
public class ClientConfigResource {

    /** The OpenAPI tag of this resource. */
    static final String TAG = "client";

    /** {@code traceViewerUrl}: a link for trace ids with {@code {traceId}} in it, or null when none is configured. */
    @Schema(name = "ClientConfig", description = "Settings of this installation for the web client")
    public record ClientConfig(
            @Schema(
                    description = "A URL with {traceId} where a turn's trace id goes (warden.ui.trace-viewer-url);"
                            + " null when none is configured",
                    nullable = true,
                    required = true)
            String traceViewerUrl) {}

    private final WardenConfig config;

    ClientConfigResource(WardenConfig config) {
        this.config = config;
    }

    @GET
    @Operation(
            operationId = "getClientConfig",
            summary = "Settings for the web client: the trace viewer link for trace ids")
    @APIResponse(responseCode = "200", description = "The settings")
    public ClientConfig get() {
        return new ClientConfig(config.ui().traceViewerUrl().orElse(null));
    }
}

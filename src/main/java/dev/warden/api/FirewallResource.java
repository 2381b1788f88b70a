package dev.warden.api;

import dev.warden.agent.AgentEvent;
import dev.warden.firewall.FirewallScanner;
import dev.warden.firewall.ScreeningFirewall;
import dev.warden.firewall.Source;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Lets operators (and the web client) try a text against the firewall, as a given source would be screened. */
@Path("/api/firewall")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
@Tag(name = ApiDocument.FIREWALL)
public class FirewallResource {

    private final FirewallScanner scanner;

    FirewallResource(FirewallScanner scanner) {
        this.scanner = scanner;
    }

    /** {@code source}: user (default), tool or memory; each has its own thresholds. */
    @Schema(requiredProperties = "text")
    public record ScanRequest(
            @Schema(description = "The text to screen; it may be empty.")
            String text,

            @Schema(
                    enumeration = {"user", "tool", "memory"},
                    defaultValue = "user")
            String source) {}

    @POST
    @Path("/scan")
    @Operation(operationId = "scanText", summary = "Screens a text as the firewall would screen it from a source")
    @APIResponse(responseCode = "200", description = "The verdict, as in a firewall_verdict message")
    @APIResponse(
            responseCode = "400",
            description = "invalid_text, invalid_source, or a body that is not JSON (bad_request)")
    public AgentEvent.FirewallVerdict scan(ScanRequest request) {
        if (request == null || request.text() == null) {
            throw ProblemException.badRequest("invalid_text", "'text' is required (it may be empty).");
        }
        Source source;
        try {
            source = request.source() == null
                    ? Source.USER
                    : Source.valueOf(request.source().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid_source", "'source' must be user, tool or memory.");
        }
        return ScreeningFirewall.event(scanner.scan(request.text(), source), null, null);
    }
}

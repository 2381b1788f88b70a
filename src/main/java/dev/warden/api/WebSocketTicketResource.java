package dev.warden.api;

import dev.warden.security.TicketStore;
import dev.warden.security.TokenIdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** One-time tickets for browsers to open {@code /ws/chat?ticket=...} (see docs/protocol.md). */
@Path("/api/ws-tickets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocument.WEBSOCKET)
public class WebSocketTicketResource {

    private final TicketStore tickets;
    private final SecurityIdentity identity;

    WebSocketTicketResource(TicketStore tickets, SecurityIdentity identity) {
        this.tickets = tickets;
        this.identity = identity;
    }

    @POST
    @RolesAllowed("user")
    @Operation(
            operationId = "issueWebSocketTicket",
            summary = "A one-time ticket for a browser to open /ws/chat?ticket=... (valid once, for 30 seconds)")
    @APIResponse(responseCode = "200", description = "The ticket")
    public TicketStore.Ticket issue() {
        return tickets.issue(TokenIdentityProvider.user(identity).id());
    }
}

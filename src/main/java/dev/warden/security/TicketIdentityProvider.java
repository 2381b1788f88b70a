package dev.warden.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Redeems a one-time WebSocket ticket for the identity of the user who asked for it. */
@ApplicationScoped
public class TicketIdentityProvider implements IdentityProvider<TicketAuthenticationRequest> {

    private final TicketStore tickets;

    TicketIdentityProvider(TicketStore tickets) {
        this.tickets = tickets;
    }

    @Override
    public Class<TicketAuthenticationRequest> getRequestType() {
        return TicketAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TicketAuthenticationRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> tickets.redeem(request.ticket())
                .map(TokenIdentityProvider::identity)
                .orElseThrow(() -> new AuthenticationFailedException("Unknown, used or expired ticket")));
    }
}

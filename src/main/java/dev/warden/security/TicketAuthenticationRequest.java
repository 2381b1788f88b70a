package dev.warden.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A one-time WebSocket ticket presented in the upgrade request's query. */
public final class TicketAuthenticationRequest extends BaseAuthenticationRequest {

    private final String ticket;

    public TicketAuthenticationRequest(String ticket) {
        this.ticket = ticket;
    }

    public String ticket() {
        return ticket;
    }
}

package dev.warden.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.api.Problem;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Reads {@code Authorization: Bearer <token>} from every HTTP request, the WebSocket upgrade included. Browsers, which
 * cannot set that header on a WebSocket, open it with a one-time {@code ?ticket=} from {@code POST /api/ws-tickets}
 * instead (accepted on WebSocket upgrades only; see docs/protocol.md). A request without a valid credential gets 401
 * with the challenge header and, like every other error, a problem document ({@code code: "unauthorized"}): the HTTP
 * layer answers it before any REST exception mapper could.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    static final String SCHEME = "Bearer";
    static final String TICKET_PARAM = "ticket";
    /** The {@code WWW-Authenticate} header of every 401. */
    public static final String CHALLENGE = SCHEME + " realm=\"warden\"";

    /** The body of every 401 (also what {@code ProblemMappers} sends when the REST layer refuses). */
    public static final Problem UNAUTHORIZED =
            Problem.of(401, "unauthorized", "Unauthorized", "A valid bearer token is required.");

    private final String unauthorizedBody;

    BearerTokenMechanism(ObjectMapper json) {
        try {
            this.unauthorizedBody = json.writeValueAsString(UNAUTHORIZED);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String token = bearerToken(context.request().getHeader(HttpHeaderNames.AUTHORIZATION.toString()));
        if (token == null) {
            String ticket = context.request().getParam(TICKET_PARAM);
            if (ticket != null && isWebSocketUpgrade(context)) {
                return identityProviderManager.authenticate(new TicketAuthenticationRequest(ticket));
            }
            return Uni.createFrom().optional(java.util.Optional.empty());
        }
        return identityProviderManager.authenticate(
                new TokenAuthenticationRequest(new TokenCredential(token, SCHEME.toLowerCase(java.util.Locale.ROOT))));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom()
                .item(new ChallengeData(
                        HttpResponseStatus.UNAUTHORIZED.code(), HttpHeaderNames.WWW_AUTHENTICATE, CHALLENGE));
    }

    /** The challenge with a problem document as its body (Quarkus's default sends an empty one). */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        HttpServerResponse response = context.response();
        if (!response.ended()) {
            response.setStatusCode(HttpResponseStatus.UNAUTHORIZED.code())
                    .putHeader(HttpHeaderNames.WWW_AUTHENTICATE, CHALLENGE)
                    .putHeader(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(unauthorizedBody);
        }
        return Uni.createFrom().item(Boolean.TRUE);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class, TicketAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom()
                .item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, SCHEME.toLowerCase()));
    }

    private static boolean isWebSocketUpgrade(RoutingContext context) {
        String upgrade = context.request().getHeader(HttpHeaderNames.UPGRADE.toString());
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    static String bearerToken(String header) {
        if (header == null || header.length() <= SCHEME.length() + 1) {
            return null;
        }
        if (!header.regionMatches(true, 0, SCHEME, 0, SCHEME.length()) || header.charAt(SCHEME.length()) != ' ') {
            return null;
        }
        String token = header.substring(SCHEME.length() + 1).trim();
        return token.isEmpty() ? null : token;
    }
}

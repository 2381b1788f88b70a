package dev.warden.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a bearer token into the user it belongs to. The principal's name is the user's id. */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    static final String USER_ATTRIBUTE = "warden.user";

    private final UserStore users;

    TokenIdentityProvider(UserStore users) {
        this.users = users;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        return context.runBlocking(() -> users.findByToken(token)
                .map(TokenIdentityProvider::identity)
                .orElseThrow(() -> new AuthenticationFailedException("Unknown or revoked token")));
    }

    static SecurityIdentity identity(User user) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(user.id()))
                .addRole(User.Role.USER.roleName())
                .addAttribute(USER_ATTRIBUTE, user);
        if (user.isAdmin()) {
            builder.addRole(User.Role.ADMIN.roleName());
        }
        return builder.build();
    }

    /** The Warden user behind an authenticated identity. */
    public static User user(SecurityIdentity identity) {
        User user = identity.getAttribute(USER_ATTRIBUTE);
        if (user == null) {
            throw new IllegalStateException("Not authenticated by a Warden token");
        }
        return user;
    }
}

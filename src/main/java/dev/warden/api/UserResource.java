package dev.warden.api;

import dev.warden.security.TokenIdentityProvider;
import dev.warden.security.User;
import dev.warden.security.UserStore;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Pattern;

/** Users: the admin creates them; everyone can ask who they are. */
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UserResource {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    private final UserStore users;
    private final SecurityIdentity identity;

    UserResource(UserStore users, SecurityIdentity identity) {
        this.users = users;
        this.identity = identity;
    }

    public record CreateUserRequest(String name) {}

    /** The new user; {@code token} is shown here once and never again. */
    public record CreatedUser(String id, String name, String token) {}

    public record UserView(String id, String name, String role) {}

    @POST
    @RolesAllowed("admin")
    public Response create(CreateUserRequest request) {
        String name = request == null ? null : request.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw ProblemException.badRequest(
                    "invalid_name",
                    "'name' is required: 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit.");
        }
        var issued = users.create(name, User.Role.USER)
                .orElseThrow(
                        () -> ProblemException.conflict("user_exists", "A user named '" + name + "' already exists."));
        return Response.status(201)
                .entity(new CreatedUser(issued.user().id(), issued.user().name(), issued.token()))
                .build();
    }

    @GET
    @Path("/me")
    @RolesAllowed("user")
    public UserView me() {
        User user = TokenIdentityProvider.user(identity);
        return new UserView(user.id(), user.name(), user.role().roleName());
    }
}

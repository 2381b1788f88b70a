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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Users: the admin creates them; everyone can ask who they are. */
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocument.USERS)
public class UserResource {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    private final UserStore users;
    private final SecurityIdentity identity;

    UserResource(UserStore users, SecurityIdentity identity) {
        this.users = users;
        this.identity = identity;
    }

    @Schema(requiredProperties = "name")
    public record CreateUserRequest(
            @Schema(
                    description =
                            "1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or" + " digit.",
                    pattern = "^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
            String name) {}

    /** The new user; {@code token} is shown here once and never again. */
    public record CreatedUser(
            String id,
            String name,

            @Schema(description = "The user's bearer token, shown only here.")
            String token) {}

    public record UserView(
            String id,
            String name,
            @Schema(enumeration = {"admin", "user"}) String role) {}

    @POST
    @RolesAllowed("admin")
    @Operation(operationId = "createUser", summary = "Creates a user and its token (admin only)")
    @APIResponse(
            responseCode = "201",
            description = "Created; the token is shown only here",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CreatedUser.class)))
    @APIResponse(responseCode = "400", description = "invalid_name, or a body that is not JSON (bad_request)")
    @APIResponse(responseCode = "403", description = "forbidden: only the admin creates users")
    @APIResponse(responseCode = "409", description = "user_exists: the name is taken")
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
    @Operation(operationId = "getCurrentUser", summary = "Who I am")
    @APIResponse(responseCode = "200", description = "The user the token belongs to")
    public UserView me() {
        User user = TokenIdentityProvider.user(identity);
        return new UserView(user.id(), user.name(), user.role().roleName());
    }
}

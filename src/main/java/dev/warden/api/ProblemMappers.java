package dev.warden.api;

import dev.warden.security.BearerTokenMechanism;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every REST failure as {@code application/problem+json} with a stable code; never a stack trace. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.problem());
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return Response.status(401)
                .header("WWW-Authenticate", BearerTokenMechanism.CHALLENGE)
                .entity(BearerTokenMechanism.UNAUTHORIZED)
                .type(Problem.MEDIA_TYPE)
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "forbidden", "Forbidden", "This operation needs another role."));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            default -> "http_" + status;
        };
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return respond(Problem.of(status, code, title, e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Log.error("Unexpected failure in a REST call", e);
        return respond(Problem.of(500, "internal_error", "Internal error", "Something went wrong inside Warden."));
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status())
                .entity(problem)
                .type(Problem.MEDIA_TYPE)
                .build();
    }
}

package dev.warden.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.warden.memory.LongTermMemory;
import dev.warden.memory.MemoryStoreException;
import dev.warden.memory.RecalledMemory;
import dev.warden.memory.StoredMemory;
import dev.warden.security.TokenIdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The caller's long-term memories: list them (newest first) or search them, forget one, forget all. Someone else's
 * memory is answered exactly like an unknown one.
 */
@Path("/api/memories")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
@Tag(name = ApiDocument.MEMORIES)
public class MemoryResource {

    static final int MAX_LIMIT = 1000;
    static final int MAX_QUERY_CHARS = 4096;
    public static final String MEMORY_NOT_FOUND = "memory_not_found";
    public static final String MEMORY_UNAVAILABLE = "memory_unavailable";

    private final LongTermMemory memory;
    private final SecurityIdentity identity;

    MemoryResource(LongTermMemory memory, SecurityIdentity identity) {
        this.memory = memory;
        this.identity = identity;
    }

    /**
     * A memory: one piece ({@code part}, from 0) of an exchange remembered from turn {@code turnId}; {@code score}
     * (relevance, 0 to 1) only in search results.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(requiredProperties = {"id", "text", "at"})
    public record MemoryView(
            String id,
            String text,

            @Schema(description = "The session it was said in.")
            String sessionId,

            @Schema(description = "The turn it was remembered from (not in search results).")
            String turnId,

            @Schema(description = "Which piece of the exchange, from 0 (not in search results).")
            Integer part,

            Instant at,

            @Schema(description = "Relevance, 0 to 1 (search results only).", minimum = "0", maximum = "1")
            Double score) {}

    public record Forgotten(int deleted) {}

    /**
     * Without {@code query}: my memories, newest first. With it: my memories most relevant to it, best first (hybrid
     * retrieval, the same relevance floor as a turn's recall).
     */
    @GET
    @Operation(operationId = "listMemories", summary = "My memories, newest first, or those most relevant to a query")
    @APIResponse(responseCode = "200", description = "The memories")
    @APIResponse(responseCode = "400", description = "invalid_parameter: limit or query out of range")
    @APIResponse(
            responseCode = "503",
            description = "memory_unavailable: the store cannot be searched now (listing without a query still works)")
    public List<MemoryView> list(
            @Parameter(description = "Search text (at most 4096 characters); without it, the newest memories")
                    @QueryParam("query")
                    String query,
            @Parameter(description = "At most this many (1 to 1000)") @QueryParam("limit") @DefaultValue("50")
                    int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.badRequest("invalid_parameter", "'limit' must be between 1 and " + MAX_LIMIT + ".");
        }
        String user = userId();
        if (query == null || query.isBlank()) {
            return memory.newest(user, limit).stream().map(MemoryResource::view).toList();
        }
        if (query.length() > MAX_QUERY_CHARS) {
            throw ProblemException.badRequest(
                    "invalid_parameter", "'query' must be at most " + MAX_QUERY_CHARS + " characters.");
        }
        try {
            return memory.search(user, query, limit).stream()
                    .map(MemoryResource::view)
                    .toList();
        } catch (MemoryStoreException e) {
            throw new ProblemException(
                    503,
                    MEMORY_UNAVAILABLE,
                    "Service unavailable",
                    "The memory store cannot be searched right now; listing without a query still works.");
        }
    }

    /** Forgets one of my memories; it is never recalled again. */
    @DELETE
    @Path("/{id}")
    @Operation(operationId = "forgetMemory", summary = "Forgets one of my memories; it is never recalled again")
    @APIResponse(responseCode = "204", description = "Forgotten")
    @APIResponse(responseCode = "404", description = "memory_not_found: no such memory of mine")
    public Response forget(@PathParam("id") String id) {
        if (!memory.forget(userId(), id)) {
            throw ProblemException.notFound(MEMORY_NOT_FOUND, "No memory " + id + " of yours exists.");
        }
        return Response.noContent().build();
    }

    /** Forgets everything I ever told Warden: every memory of mine, in every session. */
    @DELETE
    @Operation(operationId = "forgetAllMemories", summary = "Forgets every memory of mine, in every session")
    @APIResponse(responseCode = "200", description = "How many were deleted")
    public Forgotten forgetAll() {
        return new Forgotten(memory.forgetAll(userId()));
    }

    private static MemoryView view(StoredMemory m) {
        return new MemoryView(m.id(), m.text(), m.sessionId(), m.turnId(), m.part(), m.at(), null);
    }

    private static MemoryView view(RecalledMemory m) {
        return new MemoryView(m.id(), m.text(), m.sessionId(), null, null, m.at(), m.score());
    }

    private String userId() {
        return TokenIdentityProvider.user(identity).id();
    }
}

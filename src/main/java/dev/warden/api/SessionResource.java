package dev.warden.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.agent.ErrorCodes;
import dev.warden.agent.TurnRunner;
import dev.warden.chat.SessionHub;
import dev.warden.journal.Envelopes;
import dev.warden.journal.EventJournal;
import dev.warden.journal.JournalExport;
import dev.warden.journal.Replayer;
import dev.warden.journal.SessionForks;
import dev.warden.journal.SessionStore;
import dev.warden.memory.LongTermMemory;
import dev.warden.security.TokenIdentityProvider;
import dev.warden.tools.Workspaces;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's sessions and their journals. Someone else's session is answered exactly like an unknown one. */
@Path("/api/sessions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
@Tag(name = ApiDocument.SESSIONS)
public class SessionResource {

    static final int MAX_LIMIT = 10_000;

    private final SessionStore sessions;
    private final EventJournal journal;
    private final JournalExport export;
    private final SessionHub hub;
    private final TurnRunner turns;
    private final Workspaces workspaces;
    private final SecurityIdentity identity;
    private final ObjectMapper mapper;
    private final Replayer replayer;
    private final SessionForks forks;
    private final LongTermMemory memory;

    SessionResource(
            SessionStore sessions,
            EventJournal journal,
            JournalExport export,
            SessionHub hub,
            TurnRunner turns,
            Workspaces workspaces,
            SecurityIdentity identity,
            ObjectMapper mapper,
            Replayer replayer,
            SessionForks forks,
            LongTermMemory memory) {
        this.sessions = sessions;
        this.journal = journal;
        this.export = export;
        this.hub = hub;
        this.turns = turns;
        this.workspaces = workspaces;
        this.identity = identity;
        this.mapper = mapper;
        this.replayer = replayer;
        this.forks = forks;
        this.memory = memory;
    }

    /** A session as listed: {@code running} while a turn is open. */
    public record SessionView(
            String id,

            @Schema(description = "The start of its first message; null until there is one.", nullable = true)
            String title,

            Instant createdAt,
            Instant lastActivity,
            @Schema(description = "A turn is open.") boolean running,

            @Schema(description = "The seq of its latest event (0: none yet).")
            long lastSeq) {}

    @GET
    @Operation(operationId = "listSessions", summary = "My sessions, most recently active first")
    @APIResponse(responseCode = "200", description = "The sessions")
    @APIResponse(responseCode = "400", description = "invalid_parameter: limit out of range")
    public List<SessionView> list(
            @Parameter(description = "At most this many (1 to 10000)") @QueryParam("limit") @DefaultValue("100")
                    int limit) {
        checkLimit(limit);
        return sessions.list(userId(), limit).stream().map(this::view).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getSession", summary = "One of my sessions")
    @APIResponse(responseCode = "200", description = "The session")
    @APIResponse(responseCode = "404", description = "session_not_found: no such session of mine")
    public SessionView get(@PathParam("id") String id) {
        return view(owned(id));
    }

    /**
     * The session's events after {@code afterSeq}, in order, in their wire form; with {@code facts=true} also the
     * internal facts (model requests and responses, tool invocations, the conversation), which carry a {@code sub}.
     */
    @GET
    @Path("/{id}/events")
    @Operation(
            operationId = "getSessionEvents",
            summary = "The session's events after afterSeq, in order, exactly as the WebSocket sent them")
    @APIResponse(
            responseCode = "200",
            description = "The events (ServerMessage); with facts=true also the internal facts (JournalFact)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, description = ApiDocumentFilter.JOURNAL_EVENTS)))
    @APIResponse(responseCode = "400", description = "invalid_parameter: afterSeq or limit out of range")
    @APIResponse(responseCode = "404", description = "session_not_found: no such session of mine")
    public List<ObjectNode> events(
            @PathParam("id") String id,
            @Parameter(description = "Events after this seq (0: from the start)")
                    @QueryParam("afterSeq")
                    @DefaultValue("0")
                    long afterSeq,
            @Parameter(description = "At most this many (1 to 10000)") @QueryParam("limit") @DefaultValue("500")
                    int limit,
            @Parameter(description = "Include the internal facts (model requests and responses, tool invocations)")
                    @QueryParam("facts")
                    @DefaultValue("false")
                    boolean facts) {
        if (afterSeq < 0) {
            throw ProblemException.badRequest("invalid_parameter", "'afterSeq' must be 0 or more.");
        }
        checkLimit(limit);
        owned(id);
        return journal.entries(id, afterSeq, limit, facts).stream()
                .map(entry -> Envelopes.of(mapper, entry))
                .toList();
    }

    /** The whole journal as JSON Lines: a header line, then one line per entry (see docs/journal.md). */
    @GET
    @Path("/{id}/export")
    @Produces(JournalExport.MEDIA_TYPE)
    @Operation(
            operationId = "exportSession",
            summary = "The whole journal as JSON Lines: a header line, then one line per entry (docs/journal.md)")
    @APIResponse(
            responseCode = "200",
            description = "The journal, as an attachment",
            content = @Content(mediaType = JournalExport.MEDIA_TYPE, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "404", description = "session_not_found: no such session of mine")
    public Response export(@PathParam("id") String id) {
        SessionStore.Session session = owned(id);
        StreamingOutput body = output -> export.write(session, output);
        return Response.ok(body, JournalExport.MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"warden-session-" + id + ".jsonl\"")
                .build();
    }

    /**
     * Deletes the session, its journal, its workspace and the long-term memories made in it; a running turn is
     * cancelled, connections are closed.
     */
    @DELETE
    @Path("/{id}")
    @Operation(
            operationId = "deleteSession",
            summary = "Deletes the session, its journal, workspace and memories; a running turn is cancelled")
    @APIResponse(responseCode = "204", description = "Deleted; its connections were closed with 4404")
    @APIResponse(responseCode = "404", description = "session_not_found: no such session of mine")
    public Response delete(@PathParam("id") String id) {
        SessionStore.Session session = owned(id);
        turns.active(id).ifPresent(turn -> {
            turns.cancel(id, turn.id());
            turn.whenClosed()
                    .toCompletableFuture()
                    .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                    .join();
        });
        hub.flush(id).await().atMost(java.time.Duration.ofSeconds(10));
        sessions.delete(id, userId());
        hub.closeAll(id, dev.warden.chat.ChatWebSocket.SESSION_NOT_FOUND_CLOSE, ErrorCodes.SESSION_NOT_FOUND);
        workspaces.delete(session.userId(), id);
        memory.forgetSession(session.userId(), id);
        return Response.noContent().build();
    }

    @Schema(requiredProperties = "mode")
    public record ReplayRequest(
            @Schema(enumeration = {"verify", "fork"}) String mode,

            @Schema(description = "fork: copy up to this seq (default: all of it).", minimum = "0")
            Long upToSeq) {}

    /** The new session a fork made. */
    public record ForkResult(
            @Schema(enumeration = "fork") String mode,
            @Schema(description = "The new session.") String sessionId,
            long upToSeq) {}

    /**
     * {@code verify}: re-runs the recorded turns through the current pipeline (model and tools answered from the
     * recording) and reports {@code identical} or the first divergence. {@code fork}: copies the session up to
     * {@code upToSeq} into a new session that continues live.
     */
    @POST
    @Path("/{id}/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "replaySession",
            summary = "verify: re-runs the recorded turns and reports the first divergence; fork: copies the session")
    @APIResponse(
            responseCode = "200",
            description = "ReplayResult for verify, ForkResult for fork",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(oneOf = {Replayer.Result.class, ForkResult.class})))
    @APIResponse(
            responseCode = "400",
            description = "invalid_mode, seq_out_of_range (upToSeq), or a body that is not JSON (bad_request)")
    @APIResponse(responseCode = "404", description = "session_not_found: no such session of mine")
    public Object replay(@PathParam("id") String id, ReplayRequest request) {
        SessionStore.Session session = owned(id);
        String mode = request == null ? null : request.mode();
        long last = journal.lastPosition(id).seq();
        if ("verify".equals(mode)) {
            return replayer.verify(journal.after(
                    id,
                    new EventJournal.Position(0, 0),
                    new EventJournal.Position(Long.MAX_VALUE, Integer.MAX_VALUE),
                    Integer.MAX_VALUE));
        }
        if ("fork".equals(mode)) {
            long upTo = request.upToSeq() == null ? last : request.upToSeq();
            if (upTo < 0 || upTo > last) {
                throw ProblemException.badRequest(
                        ErrorCodes.SEQ_OUT_OF_RANGE, "'upToSeq' must be between 0 and " + last + ".");
            }
            return new ForkResult("fork", forks.fork(session, upTo).id(), upTo);
        }
        throw ProblemException.badRequest("invalid_mode", "'mode' must be 'verify' or 'fork'.");
    }

    private SessionView view(SessionStore.Session session) {
        return new SessionView(
                session.id(),
                session.title(),
                session.createdAt(),
                session.lastActivity(),
                session.openTurnId() != null,
                journal.lastPosition(session.id()).seq());
    }

    private SessionStore.Session owned(String id) {
        return sessions.findOwned(id, userId())
                .orElseThrow(() -> ProblemException.notFound(
                        ErrorCodes.SESSION_NOT_FOUND, "No session " + id + " of yours exists."));
    }

    private String userId() {
        return TokenIdentityProvider.user(identity).id();
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.badRequest("invalid_parameter", "'limit' must be between 1 and " + MAX_LIMIT + ".");
        }
    }
}

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

/** The caller's sessions and their journals. Someone else's session is answered exactly like an unknown one. */
@Path("/api/sessions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
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
            String id, String title, Instant createdAt, Instant lastActivity, boolean running, long lastSeq) {}

    @GET
    public List<SessionView> list(@QueryParam("limit") @DefaultValue("100") int limit) {
        checkLimit(limit);
        return sessions.list(userId(), limit).stream().map(this::view).toList();
    }

    @GET
    @Path("/{id}")
    public SessionView get(@PathParam("id") String id) {
        return view(owned(id));
    }

    /**
     * The session's events after {@code afterSeq}, in order, in their wire form; with {@code facts=true} also the
     * internal facts (model requests and responses, tool invocations, the conversation), which carry a {@code sub}.
     */
    @GET
    @Path("/{id}/events")
    public List<ObjectNode> events(
            @PathParam("id") String id,
            @QueryParam("afterSeq") @DefaultValue("0") long afterSeq,
            @QueryParam("limit") @DefaultValue("500") int limit,
            @QueryParam("facts") @DefaultValue("false") boolean facts) {
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

    public record ReplayRequest(String mode, Long upToSeq) {}

    /** The new session a fork made. */
    public record ForkResult(String mode, String sessionId, long upToSeq) {}

    /**
     * {@code verify}: re-runs the recorded turns through the current pipeline (model and tools answered from the
     * recording) and reports {@code identical} or the first divergence. {@code fork}: copies the session up to
     * {@code upToSeq} into a new session that continues live.
     */
    @POST
    @Path("/{id}/replay")
    @Consumes(MediaType.APPLICATION_JSON)
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

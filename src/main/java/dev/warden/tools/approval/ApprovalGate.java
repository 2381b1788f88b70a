package dev.warden.tools.approval;

import dev.warden.agent.AgentEvent;
import dev.warden.agent.TurnFinalizer;
import dev.warden.db.Db;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Where a risky tool call waits for a person. The decision is stored (who, when, from which connection) before the
 * waiting call hears of it; the timeout denies; only the session's owner can decide; a decision on an unknown, expired
 * or already-decided approval changes nothing. "Approve for this session" also approves the session's other pending
 * calls with the same pattern ({@code by: policy}) and every later one.
 */
@ApplicationScoped
public class ApprovalGate implements TurnFinalizer {

    public static final String BY_USER = "user";
    public static final String BY_TIMEOUT = "timeout";
    public static final String BY_POLICY = "policy";
    public static final String BY_CANCEL = "cancel";
    public static final String SCOPE_ONCE = "once";
    public static final String SCOPE_SESSION = "session";

    private final ApprovalStore store;
    private final Db db;
    private final ConcurrentMap<String, CompletableFuture<Resolution>> waiting = new ConcurrentHashMap<>();

    ApprovalGate(ApprovalStore store, Db db) {
        this.store = store;
        this.db = db;
    }

    /**
     * How an approval ended. {@code digest}: when approved, the digest of the call as the database holds it (tool name
     * and arguments), which the tool stage compares with the call it is about to run; null otherwise.
     */
    public record Resolution(boolean approved, String by, String scope, String digest) {

        static Resolution denied(String by) {
            return new Resolution(false, by, null, null);
        }

        public AgentEvent.ApprovalResolved event(Approval approval) {
            return new AgentEvent.ApprovalResolved(
                    approval.id(), approval.toolCallId(), approved ? "approve" : "deny", by, scope);
        }
    }

    /** The answer to a decision: decided, or why nothing changed. */
    public enum Outcome {
        DECIDED,
        NOT_FOUND,
        EXPIRED,
        ALREADY_DECIDED
    }

    /**
     * Stores the approval so it can be decided, before anyone is told of it (a decision can never arrive first).
     * Blocking.
     */
    public void register(Approval approval) {
        waiting.put(approval.id(), new CompletableFuture<>());
        store.insert(approval);
    }

    /** Completes when someone decides the registered approval, its timeout passes, or the turn ends. */
    public Uni<Resolution> await(Approval approval) {
        CompletableFuture<Resolution> decided = waiting.computeIfAbsent(approval.id(), id -> new CompletableFuture<>());
        Duration left = Duration.between(Instant.now(), approval.expiresAt());
        return Uni.createFrom()
                .completionStage(decided)
                .ifNoItem()
                // An approval already past its deadline (it waited behind earlier calls) times out at once.
                .after(left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left)
                .recoverWithUni(() -> db.async(() -> expire(approval)))
                .onTermination()
                .invoke(() -> waiting.remove(approval.id()));
    }

    /** The approval of one tool call of one turn: the same id every time, so a replay finds the same ids. */
    public static String idFor(String turnId, String toolCallId) {
        return java.util
                .UUID
                .nameUUIDFromBytes((turnId + "/" + toolCallId).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    private Resolution expire(Approval approval) {
        if (store.decide(approval.id(), Approval.Status.EXPIRED, null, BY_TIMEOUT, null, null, Instant.now())) {
            return Resolution.denied(BY_TIMEOUT);
        }
        // Someone decided at the last moment: their decision stands.
        return store.decision(approval.id())
                .map(d -> Approval.Status.APPROVED.name().equals(d.status())
                        ? new Resolution(
                                true,
                                d.decidedBy(),
                                d.scope(),
                                store.find(approval.id()).map(Approval::digest).orElse(null))
                        : Resolution.denied(d.decidedBy()))
                .orElse(Resolution.denied(BY_TIMEOUT));
    }

    /** A person's decision; {@code via} is the connection it came from, or {@code rest}. Blocking. */
    public Outcome decide(String approvalId, String userId, boolean approve, String scope, String via) {
        Optional<Approval> found = store.find(approvalId).filter(a -> a.userId().equals(userId));
        if (found.isEmpty()) {
            return Outcome.NOT_FOUND;
        }
        Approval approval = found.get();
        if (approval.status() == Approval.Status.EXPIRED) {
            return Outcome.EXPIRED;
        }
        if (approval.status() != Approval.Status.PENDING) {
            return Outcome.ALREADY_DECIDED;
        }
        Instant now = Instant.now();
        if (!approval.expiresAt().isAfter(now)) {
            return Outcome.EXPIRED;
        }
        String effectiveScope =
                SCOPE_SESSION.equals(scope) && approve && approval.grantKey() != null ? SCOPE_SESSION : SCOPE_ONCE;
        Approval.Status status = approve ? Approval.Status.APPROVED : Approval.Status.DENIED;
        if (!store.decide(approvalId, status, effectiveScope, BY_USER, userId, via, now)) {
            return store.find(approvalId)
                    .map(a -> a.status() == Approval.Status.EXPIRED ? Outcome.EXPIRED : Outcome.ALREADY_DECIDED)
                    .orElse(Outcome.NOT_FOUND);
        }
        complete(approvalId, new Resolution(approve, BY_USER, effectiveScope, approve ? approval.digest() : null));
        if (effectiveScope.equals(SCOPE_SESSION)) {
            store.grant(approval.sessionId(), approval.grantKey(), approvalId);
            for (Approval other : store.pendingForSession(approval.sessionId())) {
                if (approval.grantKey().equals(other.grantKey())
                        && store.decide(other.id(), Approval.Status.APPROVED, null, BY_POLICY, null, approvalId, now)) {
                    complete(other.id(), new Resolution(true, BY_POLICY, null, other.digest()));
                }
            }
        }
        return Outcome.DECIDED;
    }

    /** The session's "approve for this session" grants (their keys). Blocking. */
    public List<String> grants(String sessionId) {
        return store.grants(sessionId);
    }

    public List<Approval> pendingForSession(String sessionId) {
        return store.pendingForSession(sessionId);
    }

    public List<Approval> pendingForUser(String userId) {
        return store.pendingForUser(userId);
    }

    public Optional<Approval> find(String approvalId) {
        return store.find(approvalId);
    }

    @Override
    public List<AgentEvent> closeTurn(String sessionId, String turnId) {
        List<AgentEvent> closed = new ArrayList<>();
        for (Approval approval : store.pendingForTurn(turnId)) {
            if (store.decide(approval.id(), Approval.Status.CANCELLED, null, BY_CANCEL, null, null, Instant.now())) {
                Resolution resolution = Resolution.denied(BY_CANCEL);
                complete(approval.id(), resolution);
                closed.add(resolution.event(approval));
            }
        }
        return closed;
    }

    private void complete(String approvalId, Resolution resolution) {
        CompletableFuture<Resolution> decided = waiting.get(approvalId);
        if (decided != null) {
            decided.complete(resolution);
        }
    }
}

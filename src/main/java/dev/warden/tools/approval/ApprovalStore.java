package dev.warden.tools.approval;

import dev.warden.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Approvals and session-wide grants in the database. Blocking: call from a worker thread. */
@ApplicationScoped
public class ApprovalStore {

    static final String COLUMNS = "id, session_id, user_id, turn_id, tool_call_id, tool, arguments, digest, risk,"
            + " preview, grant_key, status, requested_at, expires_at";

    private final Db db;

    ApprovalStore(Db db) {
        this.db = db;
    }

    public void insert(Approval approval) {
        db.update(
                "INSERT INTO approvals (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                approval.id(),
                approval.sessionId(),
                approval.userId(),
                approval.turnId(),
                approval.toolCallId(),
                approval.tool(),
                approval.arguments(),
                approval.digest(),
                approval.risk(),
                approval.preview(),
                approval.grantKey(),
                approval.status().name(),
                approval.requestedAt(),
                approval.expiresAt());
    }

    /**
     * Records a decision if, and only if, the approval is still pending and not expired; true when it was recorded. The
     * condition in the UPDATE makes a decision and the timeout race safely: exactly one of them wins.
     */
    public boolean decide(
            String id, Approval.Status status, String scope, String decidedBy, String userId, String via, Instant at) {
        // Only a person's decision is bound by the expiry; the timeout and cancellations close what is still pending.
        boolean byUser = decidedBy.equals(ApprovalGate.BY_USER);
        String sql = "UPDATE approvals SET status = ?, scope = ?, decided_by = ?, decided_by_user = ?, decided_via = ?,"
                + " decided_at = ? WHERE id = ? AND status = 'PENDING'" + (byUser ? " AND expires_at > ?" : "");
        Object[] params = byUser
                ? new Object[] {status.name(), scope, decidedBy, userId, via, at, id, at}
                : new Object[] {status.name(), scope, decidedBy, userId, via, at, id};
        return db.update(sql, params) == 1;
    }

    public Optional<Approval> find(String id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM approvals WHERE id = ?", ApprovalStore::approval, id);
    }

    /** A decided approval's facts, for audits and the REST view. */
    public record Decision(
            String status, String scope, String decidedBy, String decidedByUser, String via, Instant at) {}

    public Optional<Decision> decision(String id) {
        return db.queryOne(
                "SELECT status, scope, decided_by, decided_by_user, decided_via, decided_at FROM approvals WHERE id = ?",
                rs -> new Decision(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        Db.instant(rs, "decided_at")),
                id);
    }

    public List<Approval> pendingForUser(String userId) {
        return db.query(
                "SELECT " + COLUMNS + " FROM approvals WHERE user_id = ? AND status = 'PENDING' ORDER BY requested_at",
                ApprovalStore::approval,
                userId);
    }

    public List<Approval> pendingForSession(String sessionId) {
        return db.query(
                "SELECT " + COLUMNS
                        + " FROM approvals WHERE session_id = ? AND status = 'PENDING' ORDER BY requested_at",
                ApprovalStore::approval,
                sessionId);
    }

    public List<Approval> pendingForTurn(String turnId) {
        return db.query(
                "SELECT " + COLUMNS + " FROM approvals WHERE turn_id = ? AND status = 'PENDING' ORDER BY requested_at",
                ApprovalStore::approval,
                turnId);
    }

    public void grant(String sessionId, String grantKey, String approvalId) {
        try {
            db.update(
                    "INSERT INTO session_grants (session_id, grant_key, approval_id, granted_at) VALUES (?, ?, ?, ?)",
                    sessionId,
                    grantKey,
                    approvalId,
                    Instant.now());
        } catch (Db.DataAccessException e) {
            if (!Db.isUniqueViolation(e)) {
                throw e;
            }
        }
    }

    public List<String> grants(String sessionId) {
        return db.query("SELECT grant_key FROM session_grants WHERE session_id = ?", rs -> rs.getString(1), sessionId);
    }

    static Approval approval(ResultSet rs) throws SQLException {
        return new Approval(
                rs.getString("id"),
                rs.getString("session_id"),
                rs.getString("user_id"),
                rs.getString("turn_id"),
                rs.getString("tool_call_id"),
                rs.getString("tool"),
                rs.getString("arguments"),
                rs.getString("digest"),
                rs.getString("risk"),
                rs.getString("preview"),
                rs.getString("grant_key"),
                Approval.Status.valueOf(rs.getString("status")),
                Db.instant(rs, "requested_at"),
                Db.instant(rs, "expires_at"));
    }
}

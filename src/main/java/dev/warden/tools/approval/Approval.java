package dev.warden.tools.approval;

import java.time.Instant;

/**
 * One tool call waiting for (or past) a person's decision. {@code digest} binds it to the exact call: the tool name and
 * its arguments, checked again just before the call runs. {@code grantKey} is what "approve for this session" covers
 * (absent when the call cannot be approved for a session).
 */
public record Approval(
        String id,
        String sessionId,
        String userId,
        String turnId,
        String toolCallId,
        String tool,
        String arguments,
        String digest,
        String risk,
        String preview,
        String grantKey,
        Status status,
        Instant requestedAt,
        Instant expiresAt) {

    public enum Status {
        PENDING,
        APPROVED,
        DENIED,
        EXPIRED,
        CANCELLED
    }
}

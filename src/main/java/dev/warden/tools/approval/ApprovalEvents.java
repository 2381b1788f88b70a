package dev.warden.tools.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.warden.agent.AgentEvent;

/** Approvals as the client sees them. */
public final class ApprovalEvents {

    private ApprovalEvents() {}

    public static AgentEvent.ApprovalRequired required(Approval approval, ObjectMapper mapper) {
        return new AgentEvent.ApprovalRequired(
                approval.id(),
                approval.toolCallId(),
                approval.tool(),
                tree(approval.arguments(), mapper),
                approval.risk(),
                tree(approval.preview(), mapper),
                approval.expiresAt().toString());
    }

    /** Why a decision changed nothing, in words a client can show. */
    public static String explain(ApprovalGate.Outcome outcome, String approvalId) {
        return switch (outcome) {
            case DECIDED -> "Decided.";
            case NOT_FOUND -> "No approval " + approvalId + " is waiting for you.";
            case EXPIRED -> "Approval " + approvalId + " expired; the call was denied.";
            case ALREADY_DECIDED -> "Approval " + approvalId + " was decided already; that decision stands.";
        };
    }

    static JsonNode tree(String json, ObjectMapper mapper) {
        try {
            return json == null ? mapper.nullNode() : mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(json);
        }
    }
}

package dev.warden.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.agent.AgentEvent;
import dev.warden.agent.ErrorCodes;
import dev.warden.security.TokenIdentityProvider;
import dev.warden.tools.approval.ApprovalEvents;
import dev.warden.tools.approval.ApprovalGate;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Approvals for a phone-notification flow: what waits for me, and deciding it without the chat open. */
@Path("/api/approvals")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
@Tag(name = ApiDocument.APPROVALS)
public class ApprovalResource {

    private final ApprovalGate gate;
    private final SecurityIdentity identity;
    private final ObjectMapper mapper;

    ApprovalResource(ApprovalGate gate, SecurityIdentity identity, ObjectMapper mapper) {
        this.gate = gate;
        this.identity = identity;
        this.mapper = mapper;
    }

    /** A pending approval: the {@code approval_required} message, plus the session it belongs to. */
    public record PendingApproval(String sessionId, String turnId, AgentEvent.ApprovalRequired approval) {}

    @Schema(requiredProperties = "decision")
    public record DecisionRequest(
            @Schema(enumeration = {"approve", "deny"}) String decision,

            @Schema(
                    description = "once: this call only; session: also later calls of the same tool and"
                            + " argument pattern in this session.",
                    enumeration = {"once", "session"},
                    defaultValue = "once")
            String scope) {}

    public record DecisionResult(
            String approvalId,
            @Schema(enumeration = {"approve", "deny"}) String decision,
            @Schema(enumeration = {"once", "session"}) String scope) {}

    @GET
    @Operation(
            operationId = "listPendingApprovals",
            summary = "My approvals still waiting for a decision, in every session")
    @APIResponse(responseCode = "200", description = "The pending approvals, oldest first")
    public List<PendingApproval> pending() {
        return gate.pendingForUser(userId()).stream()
                .map(a -> new PendingApproval(a.sessionId(), a.turnId(), ApprovalEvents.required(a, mapper)))
                .toList();
    }

    @POST
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "decideApproval",
            summary = "Decides one of my pending approvals, as approval_decision does over the WebSocket")
    @APIResponse(responseCode = "200", description = "Decided; approval_resolved goes to the session")
    @APIResponse(
            responseCode = "400",
            description = "invalid_decision, invalid_scope, or a body that is not JSON (bad_request)")
    @APIResponse(responseCode = "404", description = "approval_not_found: no such approval of mine is waiting")
    @APIResponse(responseCode = "409", description = "approval_already_decided: someone decided it first")
    @APIResponse(responseCode = "410", description = "approval_expired: its time ran out and the call was denied")
    public DecisionResult decide(@PathParam("id") String id, DecisionRequest request) {
        String decision = request == null ? null : request.decision();
        if (!"approve".equals(decision) && !"deny".equals(decision)) {
            throw ProblemException.badRequest("invalid_decision", "'decision' must be 'approve' or 'deny'.");
        }
        String scope = request.scope() == null ? ApprovalGate.SCOPE_ONCE : request.scope();
        if (!ApprovalGate.SCOPE_ONCE.equals(scope) && !ApprovalGate.SCOPE_SESSION.equals(scope)) {
            throw ProblemException.badRequest("invalid_scope", "'scope' must be 'once' or 'session'.");
        }
        ApprovalGate.Outcome outcome = gate.decide(id, userId(), decision.equals("approve"), scope, "rest");
        return switch (outcome) {
            case DECIDED -> new DecisionResult(id, decision, scope);
            case NOT_FOUND ->
                throw ProblemException.notFound(ErrorCodes.APPROVAL_NOT_FOUND, ApprovalEvents.explain(outcome, id));
            case EXPIRED ->
                throw new ProblemException(
                        410, ErrorCodes.APPROVAL_EXPIRED, "Gone", ApprovalEvents.explain(outcome, id));
            case ALREADY_DECIDED ->
                throw ProblemException.conflict(
                        ErrorCodes.APPROVAL_ALREADY_DECIDED, ApprovalEvents.explain(outcome, id));
        };
    }

    private String userId() {
        return TokenIdentityProvider.user(identity).id();
    }
}

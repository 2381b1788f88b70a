package dev.warden.api;

import java.util.List;

/**
 * Names shared by the resources and {@link ApiDocumentFilter}, which builds the OpenAPI document's frame from them: its
 * description, tags and the bearer authentication every operation needs. The document is served at
 * {@code /q/openapi} (open, like the health probes) and written to {@code target/openapi/} by the build.
 */
final class ApiDocument {

    static final String TITLE = "Warden";
    static final String DESCRIPTION = "A self-hosted AI agent service. The REST API is below; the WebSocket /ws/chat"
            + " carries the messages in the schemas ClientMessage (client to server) and ServerMessage (server to"
            + " client), each a union discriminated by its 'type' (docs/protocol.md). Every REST error is"
            + " application/problem+json (schema Problem).";

    static final String BEARER = "bearer";
    static final String BEARER_DESCRIPTION = "A Warden token (the admin creates users and their tokens with POST"
            + " /api/users) as 'Authorization: Bearer <token>'. Browsers open the WebSocket with a one-time ticket"
            + " instead (POST /api/ws-tickets).";

    static final String SESSIONS = "sessions";
    static final String APPROVALS = "approvals";
    static final String MEMORIES = "memories";
    static final String FIREWALL = "firewall";
    static final String USERS = "users";
    static final String WEBSOCKET = "websocket";

    /** A tag and what it groups. */
    record TagInfo(String name, String description) {}

    /** Every tag, in the document's order. */
    static final List<TagInfo> TAGS = List.of(
            new TagInfo(SESSIONS, "My sessions, their journals, export and replay"),
            new TagInfo(APPROVALS, "Tool calls waiting for my approval"),
            new TagInfo(MEMORIES, "My long-term memories"),
            new TagInfo(FIREWALL, "Trying texts against the prompt-injection firewall"),
            new TagInfo(USERS, "Users and their tokens"),
            new TagInfo(WEBSOCKET, "Opening /ws/chat from a browser"),
            new TagInfo(ClientConfigResource.TAG, "What the web client needs to know about this installation"));

    private ApiDocument() {}
}

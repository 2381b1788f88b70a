package dev.warden.security;

import dev.warden.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One-time WebSocket tickets: a browser trades its token for a ticket (over fetch, which can send the header), then
 * opens {@code /ws/chat?ticket=...}. A ticket works once, for 30 seconds, so finding one in a proxy log is worthless.
 * Kept in the database so any replica can redeem a ticket another one issued. Blocking.
 */
@ApplicationScoped
public class TicketStore {

    static final Duration LIFETIME = Duration.ofSeconds(30);

    private final Db db;

    TicketStore(Db db) {
        this.db = db;
    }

    @Schema(name = "WebSocketTicket")
    public record Ticket(
            @Schema(description = "Open /ws/chat?ticket=<ticket> with it, once.")
            String ticket,

            Instant expiresAt) {}

    public Ticket issue(String userId) {
        String ticket = Tokens.generate();
        Instant expiresAt = Instant.now().plus(LIFETIME);
        db.update("DELETE FROM ws_tickets WHERE expires_at < ?", Instant.now());
        db.update(
                "INSERT INTO ws_tickets (ticket_hash, user_id, expires_at) VALUES (?, ?, ?)",
                Tokens.hash(ticket),
                userId,
                expiresAt);
        return new Ticket(ticket, expiresAt);
    }

    /** The ticket's user, if the ticket exists and has not expired; the ticket is spent either way. */
    public Optional<User> redeem(String ticket) {
        String hash = Tokens.hash(ticket);
        return db.inTransaction(connection -> {
            Optional<User> user = Db.query(
                            connection,
                            "SELECT u.id, u.name, u.role FROM ws_tickets t JOIN users u ON u.id = t.user_id"
                                    + " WHERE t.ticket_hash = ? AND t.expires_at > ?",
                            rs -> new User(
                                    rs.getString("id"), rs.getString("name"), User.Role.valueOf(rs.getString("role"))),
                            hash,
                            Instant.now())
                    .stream()
                    .findFirst();
            int deleted = Db.update(connection, "DELETE FROM ws_tickets WHERE ticket_hash = ?", hash);
            return deleted == 1 ? user : Optional.empty();
        });
    }
}

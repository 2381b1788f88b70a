package dev.warden.security;

import dev.warden.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Users and their token digests. Blocking: call from a worker thread. */
@ApplicationScoped
public class UserStore {

    private final Db db;

    UserStore(Db db) {
        this.db = db;
    }

    /**
     * A new user with a fresh token (returned here and never again); empty when the name is taken. The database's
     * unique constraint decides, so two replicas cannot create the same name.
     */
    public Optional<IssuedToken> create(String name, User.Role role) {
        String token = Tokens.generate();
        User user = new User(UUID.randomUUID().toString(), name, role);
        try {
            db.update(
                    "INSERT INTO users (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    user.id(),
                    user.name(),
                    role.name(),
                    Tokens.hash(token),
                    Instant.now());
        } catch (Db.DataAccessException e) {
            if (Db.isUniqueViolation(e)) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(new IssuedToken(user, token));
    }

    public Optional<User> findByToken(String token) {
        return db.queryOne(
                "SELECT id, name, role FROM users WHERE token_hash = ?", UserStore::user, Tokens.hash(token));
    }

    public Optional<User> findByName(String name) {
        return db.queryOne("SELECT id, name, role FROM users WHERE name = ?", UserStore::user, name);
    }

    public long count() {
        return db.queryOne("SELECT COUNT(*) FROM users", rs -> rs.getLong(1)).orElse(0L);
    }

    /** Creates the admin with this token, or sets the existing admin's token to it. */
    void upsertAdmin(String name, String token) {
        String hash = Tokens.hash(token);
        if (db.update("UPDATE users SET token_hash = ?, role = ? WHERE name = ?", hash, User.Role.ADMIN.name(), name)
                == 0) {
            db.update(
                    "INSERT INTO users (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    UUID.randomUUID().toString(),
                    name,
                    User.Role.ADMIN.name(),
                    hash,
                    Instant.now());
        }
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString("id"), rs.getString("name"), User.Role.valueOf(rs.getString("role")));
    }

    public record IssuedToken(User user, String token) {}
}

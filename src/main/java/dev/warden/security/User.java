package dev.warden.security;

/** A person (or client) that talks to Warden. Everything a user creates is theirs alone. */
public record User(String id, String name, Role role) {

    public enum Role {
        ADMIN,
        USER;

        public String roleName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}

package dev.warden.tools.policy;

import java.util.Optional;

/**
 * A pattern over the host of a URL: {@code api.github.com} matches that host only, {@code *.github.com} any subdomain
 * of it (not {@code github.com} itself), {@code *} any host. A port ({@code localhost:8080}) narrows it to that port;
 * without one, any port matches. Compared on the normalised host (see {@link Origin}).
 */
public final class HostPattern {

    private final String text;
    private final String host;
    private final boolean subdomains;
    private final int port;

    private HostPattern(String text, String host, boolean subdomains, int port) {
        this.text = text;
        this.host = host;
        this.subdomains = subdomains;
        this.port = port;
    }

    /** @throws IllegalArgumentException with a message for the operator when the pattern is not a host */
    public static HostPattern parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("A host pattern cannot be empty");
        }
        String rest = text.strip();
        int port = -1;
        int colon = rest.lastIndexOf(':');
        if (colon > 0 && rest.indexOf(']') < colon) {
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Host pattern '" + text + "' has an invalid port");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Host pattern '" + text + "' has an invalid port");
            }
            rest = rest.substring(0, colon);
        }
        if (rest.equals("*")) {
            return new HostPattern(text, "", true, port);
        }
        boolean subdomains = rest.startsWith("*.");
        String bare = subdomains ? rest.substring(2) : rest;
        Optional<String> host = Origin.normaliseHost(bare);
        if (host.isEmpty() || bare.contains("*")) {
            throw new IllegalArgumentException(
                    "Host pattern '" + text
                            + "' must be a host name, an IPv4 address, an [IPv6] address, '*.' followed by a host name, or '*'");
        }
        return new HostPattern(text, host.get(), subdomains, port);
    }

    public boolean matches(Origin origin) {
        if (port >= 0 && origin.port() != port) {
            return false;
        }
        if (host.isEmpty()) {
            return true;
        }
        return subdomains ? origin.host().endsWith("." + host) : origin.host().equals(host);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HostPattern that
                && host.equals(that.host)
                && subdomains == that.subdomains
                && port == that.port;
    }

    @Override
    public int hashCode() {
        return host.hashCode() * 31 + port + (subdomains ? 1 : 0);
    }
}

package dev.warden.tools.policy;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Scheme, host and port of an {@code http}/{@code https} URL, the host normalised (lower case, IDN in its ASCII form, no
 * trailing dot) so that a rule cannot be dodged by spelling it differently. Numeric hosts other than a canonical
 * dotted quad ({@code 2130706433}, {@code 0x7f.1}, {@code 127.1}) are refused: they are other spellings of addresses.
 * So are URLs with a non-ASCII host ({@code java.net.URI} does not parse them): send those in their {@code xn--} form.
 */
public record Origin(String scheme, String host, int port) {

    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("\\d+|0x[0-9a-f]*");

    /** Parses an absolute http(s) URL; empty when it is anything else. */
    public static Optional<Origin> parse(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.empty();
        }
        return normaliseHost(uri.getHost())
                .map(host -> new Origin(
                        scheme, host, uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80));
    }

    /** The host in its one canonical spelling, or empty when it is not a DNS name, a dotted quad or an IPv6 literal. */
    static Optional<String> normaliseHost(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            return Optional.of(host.toLowerCase(Locale.ROOT));
        }
        String ascii;
        try {
            ascii = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        if (DOTTED_QUAD.matcher(ascii).matches()) {
            return Optional.of(ascii);
        }
        String[] labels = ascii.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
            return Optional.empty();
        }
        return Optional.of(ascii);
    }

    @Override
    public String toString() {
        return scheme + "://" + host + ":" + port;
    }
}

package dev.warden.firewall;

/** Short, single-line excerpts of untrusted text for signals. */
final class Excerpts {

    private Excerpts() {}

    /** Up to {@code max} characters of {@code text} covering {@code [from, to)}, with a little context. */
    static String around(String text, int from, int to, int max) {
        int start = Math.max(0, Math.min(from, text.length()));
        int end = Math.max(start, Math.min(to, text.length()));
        int room = max - (end - start);
        if (room > 0) {
            int before = Math.min(start, Math.min(room / 2, 24));
            start -= before;
            end = Math.min(text.length(), end + (room - before));
        }
        if (end - start > max) {
            end = start + max;
        }
        if (end < text.length() && end > start && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        if (start > 0 && start < end && Character.isLowSurrogate(text.charAt(start))) {
            start++;
        }
        return text.substring(start, end).replaceAll("\\s+", " ").strip();
    }
}

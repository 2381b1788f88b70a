package dev.warden.firewall;

import dev.warden.agent.AgentEvent;
import dev.warden.agent.ErrorCodes;
import dev.warden.agent.FirewallStage.Screening;
import dev.warden.config.WardenConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.text.Normalizer;

/**
 * The firewall's first line: a size limit, control characters out, Unicode normalised (NFKC) so that look-alike
 * encodings of the same text reach later checks and the model as one form. Pure CPU work on a bounded input.
 */
@ApplicationScoped
public class InputSanitizer {

    private final WardenConfig config;

    InputSanitizer(WardenConfig config) {
        this.config = config;
    }

    /** The sanitised message, or why it is unusable (too large, empty). */
    Screening screen(String text, String messageId) {
        int limit = config.limits().maxInputBytes();
        if (Utf8.length(text) > limit) {
            return new Screening.Rejected(new AgentEvent.Error(
                    ErrorCodes.TOO_LARGE,
                    "The message is larger than " + limit + " bytes; shorten it or send it in parts.",
                    messageId,
                    "text",
                    true));
        }
        String clean = sanitize(text);
        if (clean.isBlank()) {
            return new Screening.Rejected(new AgentEvent.Error(
                    ErrorCodes.INVALID_MESSAGE, "The message has no text.", messageId, "text", true));
        }
        return new Screening.Accepted(clean, null);
    }

    /**
     * Removes NUL and other control characters (keeping tab and newline; CR LF and lone CR become LF), unpaired
     * surrogates, then applies NFKC.
     */
    static String sanitize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    out.append(c).append(text.charAt(++i));
                }
                continue;
            }
            if (Character.isLowSurrogate(c)) {
                continue;
            }
            if (c == '\r') {
                out.append('\n');
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                continue;
            }
            if (c == '\n' || c == '\t' || !Character.isISOControl(c)) {
                out.append(c);
            }
        }
        return Normalizer.normalize(out, Normalizer.Form.NFKC);
    }
}

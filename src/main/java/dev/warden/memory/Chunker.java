package dev.warden.memory;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a long text into pieces of at most {@code max} characters, preferring to cut between paragraphs, then after a
 * sentence, then between words, and only then anywhere (never inside a surrogate pair). Each piece is trimmed; blank
 * pieces are dropped.
 */
final class Chunker {

    private Chunker() {}

    static List<String> chunks(String text, int max) {
        if (max < 16) {
            throw new IllegalArgumentException("chunks of fewer than 16 characters make no sense");
        }
        List<String> pieces = new ArrayList<>();
        String rest = text == null ? "" : text.strip();
        while (!rest.isEmpty()) {
            if (rest.length() <= max) {
                pieces.add(rest);
                break;
            }
            int cut = cutPoint(rest, max);
            String piece = rest.substring(0, cut).strip();
            if (!piece.isEmpty()) {
                pieces.add(piece);
            }
            rest = rest.substring(cut).strip();
        }
        return pieces;
    }

    /** Where to end the first piece of {@code text} (longer than {@code max}): the best boundary in its second half. */
    static int cutPoint(String text, int max) {
        int floor = max / 2;
        int paragraph = text.lastIndexOf("\n\n", max - 2);
        if (paragraph >= floor) {
            return paragraph + 2;
        }
        for (int i = max - 1; i >= floor; i--) {
            char c = text.charAt(i);
            boolean endsSentence = (c == '.' || c == '!' || c == '?' || c == '\n')
                    && i + 1 < text.length()
                    && Character.isWhitespace(text.charAt(i + 1));
            if (endsSentence || c == '。' || c == '！' || c == '？') {
                return i + 1;
            }
        }
        for (int i = max; i >= floor; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return Character.isLowSurrogate(text.charAt(max)) ? max - 1 : max;
    }
}

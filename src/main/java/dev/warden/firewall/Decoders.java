package dev.warden.firewall;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Finds text hidden in base64, hex, URL (percent) encoding and ROT13 inside a text, and decodes it so that it can be
 * scanned too. One level at a time: the scanner calls this again on what it decoded, up to a fixed depth. Linear in
 * the input, never throws; only payloads that decode to readable text count.
 */
final class Decoders {

    /** Kinds of encoding, also the suffix of the {@code encoded.*} signal ids. */
    enum Kind {
        BASE64,
        HEX,
        URL,
        ROT13
    }

    /** Decoded text and where it was found in the scanned text. */
    record Payload(Kind kind, String text, int start, int end) {}

    static final int MIN_BASE64 = 16;
    static final int MIN_HEX_BYTES = 8;
    static final int MAX_CANDIDATE = 16_384;

    private Decoders() {}

    /** The payloads of {@code text}, at most {@code maxPayloads}, decoded text at most {@code maxChars} in all. */
    static List<Payload> find(String text, int maxPayloads, int maxChars) {
        List<Payload> out = new ArrayList<>();
        int[] budget = {maxChars};
        base64(text, out, maxPayloads, budget);
        hex(text, out, maxPayloads, budget);
        url(text, out, maxPayloads, budget);
        rot13(text, out, maxPayloads, budget);
        return out;
    }

    private static boolean add(List<Payload> out, int max, int[] budget, Payload p) {
        if (out.size() >= max || budget[0] <= 0) {
            return false;
        }
        String t = p.text().length() > budget[0] ? p.text().substring(0, budget[0]) : p.text();
        budget[0] -= t.length();
        out.add(new Payload(p.kind(), t, p.start(), p.end()));
        return true;
    }

    private static boolean isBase64Char(char c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '+'
                || c == '/'
                || c == '-'
                || c == '_';
    }

    static void base64(String text, List<Payload> out, int max, int[] budget) {
        int n = text.length();
        int i = 0;
        while (i < n && out.size() < max) {
            if (!isBase64Char(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            boolean upper = false;
            boolean lower = false;
            boolean digitOrSymbol = false;
            while (i < n && isBase64Char(text.charAt(i))) {
                char c = text.charAt(i);
                upper |= c >= 'A' && c <= 'Z';
                lower |= c >= 'a' && c <= 'z';
                digitOrSymbol |= !Character.isLetter(c);
                i++;
            }
            int end = i;
            while (i < n && text.charAt(i) == '=' && i - end < 2) {
                i++;
            }
            int len = end - start;
            if (len < MIN_BASE64 || !(upper && lower) && !digitOrSymbol || len > MAX_CANDIDATE) {
                continue;
            }
            String run = text.substring(start, end);
            String decoded = decodeBase64(run);
            if (decoded != null) {
                add(out, max, budget, new Payload(Kind.BASE64, decoded, start, i));
            }
        }
    }

    private static String decodeBase64(String run) {
        String s = run.replace('-', '+').replace('_', '/');
        int usable = s.length() - (s.length() % 4 == 1 ? 1 : 0);
        s = s.substring(0, usable);
        while (s.length() % 4 != 0) {
            s = s + "=";
        }
        try {
            return readable(Base64.getDecoder().decode(s));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Hex byte runs: {@code 69676e6f7265}, {@code 69 67 6e}, {@code \\x69\\x67}, {@code 0x69,0x67}. */
    static void hex(String text, List<Payload> out, int max, int[] budget) {
        int n = text.length();
        int i = 0;
        byte[] bytes = null;
        while (i < n && out.size() < max) {
            char c = text.charAt(i);
            if (hexValue(c) < 0 && c != '\\') {
                i++;
                continue;
            }
            if (bytes == null) {
                bytes = new byte[MAX_CANDIDATE];
            }
            int start = i;
            int j = i;
            int count = 0;
            boolean letter = false;
            while (j < n && count < bytes.length) {
                int k = j;
                if (k + 1 < n
                        && (text.charAt(k) == '\\' || text.charAt(k) == '0')
                        && (text.charAt(k + 1) == 'x' || text.charAt(k + 1) == 'X')) {
                    k += 2;
                }
                if (k + 1 >= n || hexValue(text.charAt(k)) < 0 || hexValue(text.charAt(k + 1)) < 0) {
                    break;
                }
                letter |= hexValue(text.charAt(k)) > 9 || hexValue(text.charAt(k + 1)) > 9;
                bytes[count++] = (byte) (hexValue(text.charAt(k)) * 16 + hexValue(text.charAt(k + 1)));
                j = k + 2;
                if (j + 1 < n
                        && (text.charAt(j) == ' ' || text.charAt(j) == ',' || text.charAt(j) == ':')
                        && text.charAt(j + 1) != ' ') {
                    j++;
                }
            }
            i = Math.max(j, i + 1);
            if (count < MIN_HEX_BYTES || !letter) {
                continue;
            }
            String decoded = readable(java.util.Arrays.copyOf(bytes, count));
            if (decoded != null) {
                add(out, max, budget, new Payload(Kind.HEX, decoded, start, j));
            }
        }
    }

    /** Runs of non-space text with at least three {@code %XX} escapes, percent-decoded as UTF-8. */
    static void url(String text, List<Payload> out, int max, int[] budget) {
        int n = text.length();
        int i = text.indexOf('%');
        int floor = 0; // runs never reach back into the previous one: linear time
        while (i >= 0 && i < n && out.size() < max) {
            int start = i;
            while (start > floor && !Character.isWhitespace(text.charAt(start - 1)) && i - start < MAX_CANDIDATE) {
                start--;
            }
            int end = i;
            while (end < n && !Character.isWhitespace(text.charAt(end)) && end - start < MAX_CANDIDATE) {
                end++;
            }
            byte[] bytes = new byte[end - start];
            int count = 0;
            int escapes = 0;
            for (int k = start; k < end; k++) {
                char c = text.charAt(k);
                if (c == '%' && k + 2 < end && hexValue(text.charAt(k + 1)) >= 0 && hexValue(text.charAt(k + 2)) >= 0) {
                    bytes[count++] = (byte) (hexValue(text.charAt(k + 1)) * 16 + hexValue(text.charAt(k + 2)));
                    escapes++;
                    k += 2;
                } else if (c == '+') {
                    bytes[count++] = ' ';
                } else if (c < 0x80) {
                    bytes[count++] = (byte) c;
                } else {
                    bytes[count++] = '?';
                }
            }
            if (escapes >= 3) {
                String decoded = readable(java.util.Arrays.copyOf(bytes, count));
                if (decoded != null) {
                    add(out, max, budget, new Payload(Kind.URL, decoded, start, end));
                }
            }
            floor = Math.max(end, i + 1);
            i = text.indexOf('%', floor);
        }
    }

    private static final Set<String> COMMON_WORDS = Set.of(
            "the",
            "and",
            "you",
            "your",
            "to",
            "of",
            "is",
            "are",
            "all",
            "in",
            "that",
            "it",
            "for",
            "this",
            "with",
            "be",
            "not",
            "on",
            "as",
            "do",
            "what",
            "now",
            "me",
            "my",
            "a",
            "i",
            "an",
            "or",
            "if",
            "from",
            "instructions",
            "ignore",
            "previous",
            "tell",
            "say",
            "will",
            "must",
            "can",
            "please",
            "any",
            "how",
            "write",
            "system");

    /** Lines whose ROT13 reading has many more common English words than the line itself. */
    static void rot13(String text, List<Payload> out, int max, int[] budget) {
        int n = text.length();
        int lineStart = 0;
        while (lineStart < n && out.size() < max) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0) {
                lineEnd = n;
            }
            if (!mayBeRot13(text, lineStart, lineEnd)) {
                lineStart = lineEnd + 1;
                continue;
            }
            int plain = 0;
            int rotated = 0;
            int words = 0;
            int i = lineStart;
            StringBuilder word = new StringBuilder();
            StringBuilder rot = new StringBuilder();
            while (i <= lineEnd) {
                char c = i < lineEnd ? text.charAt(i) : ' ';
                if (c < 0x80 && Character.isLetter(c)) {
                    word.append(Character.toLowerCase(c));
                    rot.append(rot13(Character.toLowerCase(c)));
                } else if (word.length() > 0) {
                    words++;
                    if (COMMON_WORDS.contains(word.toString())) {
                        plain++;
                    }
                    if (COMMON_WORDS.contains(rot.toString())) {
                        rotated++;
                    }
                    word.setLength(0);
                    rot.setLength(0);
                }
                i++;
            }
            if (words >= 4 && rotated >= 3 && rotated >= 2 * plain + 2 && rotated * 5 >= words) {
                StringBuilder decoded = new StringBuilder(lineEnd - lineStart);
                for (int k = lineStart; k < lineEnd; k++) {
                    decoded.append(rot13(text.charAt(k)));
                }
                add(out, max, budget, new Payload(Kind.ROT13, decoded.toString(), lineStart, lineEnd));
            }
            lineStart = lineEnd + 1;
        }
    }

    /** ROT13 of "the", "and", "you", "to", "is", "of", "ignore": a line without any of them is not ROT13 English. */
    private static final String[] ROT13_MARKERS = {"gur", "naq", "lbh", "gb", "vf", "bs", "vtaber"};

    private static boolean mayBeRot13(String text, int from, int to) {
        if (to - from < 12) {
            return false;
        }
        String line = text.substring(from, to).toLowerCase(java.util.Locale.ROOT);
        for (String marker : ROT13_MARKERS) {
            int at = line.indexOf(marker);
            while (at >= 0) {
                boolean startsWord = at == 0 || !Character.isLetter(line.charAt(at - 1));
                int end = at + marker.length();
                boolean endsWord = end == line.length() || !Character.isLetter(line.charAt(end));
                if (startsWord && endsWord) {
                    return true;
                }
                at = line.indexOf(marker, at + 1);
            }
        }
        return false;
    }

    static char rot13(char c) {
        if (c >= 'a' && c <= 'z') {
            return (char) ('a' + (c - 'a' + 13) % 26);
        }
        if (c >= 'A' && c <= 'Z') {
            return (char) ('A' + (c - 'A' + 13) % 26);
        }
        return c;
    }

    /** The bytes as text if they are valid UTF-8 and mostly printable letters and punctuation; else null. */
    static String readable(byte[] bytes) {
        if (bytes.length < 4) {
            return null;
        }
        String s;
        try {
            s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        int printable = 0;
        int letters = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\t' || c == '\r' || (c >= 0x20 && c != 0x7f && !Character.isISOControl(c))) {
                printable++;
            }
            if (Character.isLetter(c) || c == ' ') {
                letters++;
            }
        }
        return printable >= s.length() * 0.95 && letters >= s.length() * 0.6 ? s : null;
    }
}

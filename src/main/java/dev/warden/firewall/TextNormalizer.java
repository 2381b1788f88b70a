package dev.warden.firewall;

import java.text.Normalizer;
import java.util.Map;

/**
 * Turns untrusted text into the forms the firewall scans. Pure and linear in the input; never throws.
 *
 * <ul>
 *   <li>{@code clean}: what a reader would see. Unpaired surrogates, zero-width, bidi and other format characters
 *       and control characters (except tab and newline) removed; Unicode tag characters (invisible "ASCII
 *       smuggling") decoded to the ASCII they stand for; NFKC applied (fullwidth, mathematical, circled letters become
 *       plain). Case is kept: decoders (base64) and the embedding model read this form.
 *   <li>{@code folded}: {@code clean} for pattern matching. Accents stripped, look-alike letters (Cyrillic, Greek,
 *       small capitals...) folded to Latin, lower case, leetspeak inside words undone ({@code 1gn0r3} → {@code
 *       ignore}), each run of white space collapsed to one space, or to one newline when it holds one.
 *   <li>{@code compact}: {@code folded} with everything but letters and digits removed, which defeats
 *       {@code i.g.n.o.r.e} and letter spacing.
 * </ul>
 *
 * Every character of {@code folded} and {@code compact} knows the index in {@code clean} it came from, so a match is
 * shown to people as the text they wrote.
 */
public final class TextNormalizer {

    private TextNormalizer() {}

    /** The forms of one text, with statistics the detectors use. */
    public record Normalized(
            String clean,
            String folded,
            int[] foldedToClean,
            String compact,
            int[] compactToClean,
            int hiddenTagCharacters,
            int invisibleInsideWords) {

        /** The excerpt of {@code clean} around {@code [start, end)} of {@code folded}, at most {@code max} chars. */
        public String excerptOfFolded(int start, int end, int max) {
            return excerpt(foldedToClean, start, end, max);
        }

        /** The excerpt of {@code clean} around {@code [start, end)} of {@code compact}, at most {@code max} chars. */
        public String excerptOfCompact(int start, int end, int max) {
            return excerpt(compactToClean, start, end, max);
        }

        private String excerpt(int[] map, int start, int end, int max) {
            if (map.length == 0) {
                return "";
            }
            int from = map[Math.min(start, map.length - 1)];
            int to = end <= start ? from + 1 : map[Math.min(end - 1, map.length - 1)] + 1;
            return Excerpts.around(clean, from, to, max);
        }

        /** The index in {@code folded} of the first character that came from {@code cleanIndex} or later. */
        public int foldedIndexOf(int cleanIndex) {
            int lo = 0;
            int hi = foldedToClean.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (foldedToClean[mid] < cleanIndex) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    public static Normalized normalize(CharSequence raw) {
        Filtered filtered = filter(raw == null ? "" : raw);
        String clean = Normalizer.isNormalized(filtered.text, Normalizer.Form.NFKC)
                ? filtered.text.toString()
                : Normalizer.normalize(filtered.text, Normalizer.Form.NFKC);
        Folded f = fold(clean);
        char[] folded = f.chars();
        int n = f.length();
        undoLeetspeak(folded, n);
        String foldedText = new String(folded, 0, n);
        int[] foldedMap = f.map().length == n ? f.map() : java.util.Arrays.copyOf(f.map(), n);
        // the compact text reuses the folded buffer: it is written behind the reading position
        char[] compact = folded;
        int[] compactMap = new int[n];
        int c = 0;
        for (int i = 0; i < n; i++) {
            char ch = folded[i];
            if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
                compact[c] = ch;
                compactMap[c++] = foldedMap[i];
            }
        }
        return new Normalized(
                clean,
                foldedText,
                foldedMap,
                new String(compact, 0, c),
                java.util.Arrays.copyOf(compactMap, c),
                filtered.hiddenTags,
                filtered.invisibleInsideWords);
    }

    private record Filtered(StringBuilder text, int hiddenTags, int invisibleInsideWords) {}

    private static Filtered filter(CharSequence raw) {
        StringBuilder out = new StringBuilder(raw.length());
        int tags = 0;
        int inside = 0;
        int len = raw.length();
        for (int i = 0; i < len; ) {
            char c = raw.charAt(i);
            int cp;
            int width;
            if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(raw.charAt(i + 1))) {
                cp = Character.toCodePoint(c, raw.charAt(i + 1));
                width = 2;
            } else if (Character.isSurrogate(c)) {
                i++; // unpaired surrogate: not text
                continue;
            } else {
                cp = c;
                width = 1;
            }
            i += width;
            if (cp < 0x80) {
                if (cp == '\r') {
                    out.append('\n');
                    if (i < len && raw.charAt(i) == '\n') {
                        i++;
                    }
                } else if (cp >= 0x20 && cp != 0x7f || cp == '\n' || cp == '\t') {
                    out.append((char) cp);
                }
                continue;
            }
            if (cp >= 0xE0020 && cp <= 0xE007E) { // tag characters spell invisible ASCII
                out.append((char) (cp - 0xE0000));
                tags++;
                continue;
            }
            int type = Character.getType(cp);
            if (type == Character.FORMAT
                    || type == Character.CONTROL
                    || (cp >= 0xFE00 && cp <= 0xFE0F)
                    || (cp >= 0xE0100 && cp <= 0xE01EF)
                    || cp == 0x115F
                    || cp == 0x1160
                    || cp == 0x3164
                    || cp == 0xFFA0) {
                if (cp == 0x200D && out.length() > 0 && !Character.isLetter(out.charAt(out.length() - 1))) {
                    out.append((char) cp); // zero-width joiner between emoji keeps the emoji
                    continue;
                }
                if (type == Character.CONTROL && (cp == 0x85)) {
                    out.append('\n');
                    continue;
                }
                if (out.length() > 0
                        && Character.isLetter(out.charAt(out.length() - 1))
                        && i < len
                        && Character.isLetter(raw.charAt(i))) {
                    inside++;
                }
                continue;
            }
            if (type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                out.append('\n');
                continue;
            }
            out.appendCodePoint(cp);
        }
        return new Filtered(out, tags, inside);
    }

    /** The folded text in {@code chars[0, length)}, and for each char the index in the clean text it came from. */
    private record Folded(char[] chars, int[] map, int length) {}

    /**
     * Folds {@code clean}. The buffers start at the clean text's length (folding only shortens ASCII) and grow in the
     * rare case that look-alikes and decompositions lengthen it.
     */
    private static Folded fold(String clean) {
        char[] out = new char[clean.length() + 8];
        int[] map = new int[out.length];
        int n = 0;
        boolean pendingSpace = false;
        boolean pendingNewline = false;
        int spaceAt = 0;
        for (int i = 0; i < clean.length(); ) {
            int cp = clean.codePointAt(i);
            int at = i;
            i += Character.charCount(cp);
            if (n + 3 > out.length) { // a pending space and two folded chars
                out = java.util.Arrays.copyOf(out, out.length * 2);
                map = java.util.Arrays.copyOf(map, out.length);
            }
            if (isSpace(cp)) {
                if (!pendingSpace) {
                    spaceAt = at;
                }
                pendingSpace = true;
                pendingNewline |= cp == '\n';
                continue;
            }
            // ASCII, nearly all of most texts, folds to one char without a String per character (that String was
            // half of what a 4 KB scan allocated); foldCodePoint gives the same for it.
            String folded = cp < 0x80 ? null : foldCodePoint(cp);
            if (folded != null && folded.isEmpty()) {
                continue;
            }
            if (pendingSpace) {
                if (n > 0) {
                    out[n] = pendingNewline ? '\n' : ' ';
                    map[n++] = spaceAt;
                }
                pendingSpace = false;
                pendingNewline = false;
            }
            if (folded == null) {
                out[n] = cp >= 'A' && cp <= 'Z' ? (char) (cp + 32) : (char) cp;
                map[n++] = at;
                continue;
            }
            for (int k = 0; k < folded.length(); k++) {
                out[n] = folded.charAt(k);
                map[n++] = at;
            }
        }
        return new Folded(out, map, n);
    }

    private static boolean isSpace(int cp) {
        return cp == ' '
                || cp == '\n'
                || cp == '\t'
                || cp == 0x0B
                || cp == 0x0C
                || (cp > 0x7f && (Character.isWhitespace(cp) || Character.isSpaceChar(cp)));
    }

    /** Lower case, accents off, look-alikes to Latin; {@code ""} for a mark that carries nothing. */
    static String foldCodePoint(int cp) {
        if (cp < 0x80) {
            return cp >= 'A' && cp <= 'Z' ? String.valueOf((char) (cp + 32)) : String.valueOf((char) cp);
        }
        String mapped = CONFUSABLES.get(cp);
        if (mapped != null) {
            return mapped;
        }
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK) {
            return "";
        }
        String decomposed = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(2);
        for (int k = 0; k < decomposed.length(); ) {
            int d = decomposed.codePointAt(k);
            k += Character.charCount(d);
            int t = Character.getType(d);
            if (t == Character.NON_SPACING_MARK || t == Character.ENCLOSING_MARK) {
                continue;
            }
            String m = CONFUSABLES.get(d);
            if (m != null) {
                sb.append(m);
            } else {
                sb.appendCodePoint(Character.toLowerCase(d));
            }
        }
        String s = sb.toString();
        return s.length() <= 2 ? s : s.substring(0, 2);
    }

    /**
     * Undoes leetspeak: in a word of letters and digits where a leet digit sits between letters ({@code 1gn0r3},
     * {@code pr3v10us}), every leet digit becomes its letter. Words that only end or start with digits ({@code base64},
     * {@code rot13}, {@code utf8}, {@code 4th}) are left alone.
     */
    private static void undoLeetspeak(char[] text, int n) {
        int i = 0;
        while (i < n) {
            if (!isWordChar(text[i])) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isWordChar(text[i])) {
                i++;
            }
            if (i - start >= 3 && hasInnerLeetDigit(text, start, i)) {
                for (int k = start; k < i; k++) {
                    char l = leetOf(text[k]);
                    if (l != 0) {
                        text[k] = l;
                    }
                }
            }
        }
    }

    private static boolean hasInnerLeetDigit(char[] text, int start, int end) {
        boolean letterBefore = false;
        for (int k = start; k < end; k++) {
            char c = text[k];
            if (c >= 'a' && c <= 'z') {
                letterBefore = true;
            } else if (letterBefore && leetOf(c) != 0) {
                for (int j = k + 1; j < end; j++) {
                    if (text[j] >= 'a' && text[j] <= 'z') {
                        return true;
                    }
                }
                return false;
            }
        }
        return false;
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static char leetOf(char c) {
        return switch (c) {
            case '0' -> 'o';
            case '1' -> 'i';
            case '3' -> 'e';
            case '4' -> 'a';
            case '5' -> 's';
            case '7' -> 't';
            case '8' -> 'b';
            default -> 0;
        };
    }

    /** Letters that look like Latin ones (Unicode's confusables, the ones attackers use), folded to lower case. */
    static final Map<Integer, String> CONFUSABLES = confusables();

    private static Map<Integer, String> confusables() {
        String[] pairs = {
            // Cyrillic lower and upper case
            "а",
            "a",
            "в",
            "b",
            "е",
            "e",
            "ё",
            "e",
            "к",
            "k",
            "м",
            "m",
            "н",
            "h",
            "о",
            "o",
            "р",
            "p",
            "с",
            "c",
            "т",
            "t",
            "у",
            "y",
            "х",
            "x",
            "і",
            "i",
            "ї",
            "i",
            "ј",
            "j",
            "ѕ",
            "s",
            "ԁ",
            "d",
            "һ",
            "h",
            "ԛ",
            "q",
            "ԝ",
            "w",
            "ү",
            "y",
            "ӏ",
            "l",
            "ɩ",
            "i",
            "ь",
            "b",
            "г",
            "r",
            "п",
            "n",
            "А",
            "a",
            "В",
            "b",
            "Е",
            "e",
            "К",
            "k",
            "М",
            "m",
            "Н",
            "h",
            "О",
            "o",
            "Р",
            "p",
            "С",
            "c",
            "Т",
            "t",
            "У",
            "y",
            "Х",
            "x",
            "Ѕ",
            "s",
            "І",
            "i",
            "Ј",
            "j",
            "Ԛ",
            "q",
            "Ԝ",
            "w",
            // Greek
            "α",
            "a",
            "β",
            "b",
            "γ",
            "y",
            "ε",
            "e",
            "η",
            "n",
            "ι",
            "i",
            "κ",
            "k",
            "ν",
            "v",
            "ο",
            "o",
            "ρ",
            "p",
            "τ",
            "t",
            "υ",
            "u",
            "χ",
            "x",
            "ω",
            "w",
            "ϲ",
            "c",
            "ς",
            "s",
            "Α",
            "a",
            "Β",
            "b",
            "Ε",
            "e",
            "Ζ",
            "z",
            "Η",
            "h",
            "Ι",
            "i",
            "Κ",
            "k",
            "Μ",
            "m",
            "Ν",
            "n",
            "Ο",
            "o",
            "Ρ",
            "p",
            "Τ",
            "t",
            "Υ",
            "y",
            "Χ",
            "x",
            // Latin look-alikes and ligatures NFKC leaves alone
            "ı",
            "i",
            "ł",
            "l",
            "ø",
            "o",
            "đ",
            "d",
            "ħ",
            "h",
            "ŧ",
            "t",
            "ß",
            "ss",
            "æ",
            "ae",
            "œ",
            "oe",
            "ɑ",
            "a",
            "ɡ",
            "g",
            "ʀ",
            "r",
            "ɢ",
            "g",
            "ʜ",
            "h",
            "ɪ",
            "i",
            "ʟ",
            "l",
            "ɴ",
            "n",
            "ᴏ",
            "o",
            "ᴘ",
            "p",
            "ꜱ",
            "s",
            "ᴛ",
            "t",
            "ᴜ",
            "u",
            "ᴠ",
            "v",
            "ᴡ",
            "w",
            "ᴢ",
            "z",
            "ᴀ",
            "a",
            "ʙ",
            "b",
            "ᴄ",
            "c",
            "ᴅ",
            "d",
            "ᴇ",
            "e",
            "ꜰ",
            "f",
            "ᴊ",
            "j",
            "ᴋ",
            "k",
            "ᴍ",
            "m",
            "ʏ",
            "y",
            "Ø",
            "o",
            "Ł",
            "l",
            "Đ",
            "d",
            "Æ",
            "ae",
            "Œ",
            "oe",
        };
        java.util.HashMap<Integer, String> map = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i].codePointAt(0), pairs[i + 1]);
        }
        return Map.copyOf(map);
    }
}

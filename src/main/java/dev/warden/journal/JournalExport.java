package dev.warden.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's export format, JSON Lines: a header line
 * {@code {"format":"warden-journal","version":1,"sessionId",...,"lastSeq":N,"entries":M}}, then one line per entry
 * {@code {"seq","sub","type","turnId","traceId","ts","payload"}} in journal order. Reading checks everything a replay
 * relies on and refuses a file that is truncated, reordered or from a newer version, with a stable code.
 */
@ApplicationScoped
public class JournalExport {

    public static final String MEDIA_TYPE = "application/x-ndjson";
    public static final String FORMAT = "warden-journal";
    public static final int VERSION = 1;
    static final int PAGE = 1000;

    private final EventJournal journal;
    private final ObjectMapper mapper;

    JournalExport(EventJournal journal, ObjectMapper mapper) {
        this.journal = journal;
        this.mapper = mapper;
    }

    /** A journal read from an export: the header's session, and its entries in order. */
    public record Exported(String sessionId, String title, List<JournalEntry> entries) {}

    /** Why an export file cannot be used; {@code code} is stable. */
    public static final class BadExport extends RuntimeException {
        private final String code;

        public BadExport(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** Writes the journal up to its position when the export starts (a running turn's later events are left out). */
    public void write(SessionStore.Session session, OutputStream out) throws IOException {
        EventJournal.Position last = journal.lastPosition(session.id());
        ObjectNode header = mapper.createObjectNode()
                .put("format", FORMAT)
                .put("version", VERSION)
                .put("sessionId", session.id())
                .put("title", session.title())
                .put("createdAt", session.createdAt().toString())
                .put("exportedAt", Instant.now().toString())
                .put("lastSeq", last.seq())
                .put("entries", journal.count(session.id(), last));
        out.write((header + "\n").getBytes(StandardCharsets.UTF_8));
        EventJournal.Position cursor = new EventJournal.Position(0, 0);
        while (true) {
            List<JournalEntry> page = journal.after(session.id(), cursor, last, PAGE);
            for (JournalEntry entry : page) {
                ObjectNode line = mapper.createObjectNode()
                        .put("seq", entry.seq())
                        .put("sub", entry.sub())
                        .put("type", entry.type())
                        .put("turnId", entry.turnId())
                        .put("traceId", entry.traceId())
                        .put("ts", entry.ts().toString());
                line.set("payload", Envelopes.payload(mapper, entry));
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (page.size() < PAGE) {
                break;
            }
            cursor = new EventJournal.Position(
                    page.getLast().seq(), page.getLast().sub());
        }
        out.flush();
    }

    public Exported read(Reader source) {
        try (BufferedReader reader = new BufferedReader(source)) {
            String first = reader.readLine();
            if (first == null || first.isBlank()) {
                throw new BadExport("export_empty", "The file is empty: an export starts with a header line.");
            }
            JsonNode header = parse(first, 1);
            if (!FORMAT.equals(header.path("format").asText())) {
                throw new BadExport("export_malformed", "Line 1 is not a " + FORMAT + " header.");
            }
            int version = header.path("version").asInt(-1);
            if (version > VERSION) {
                throw new BadExport(
                        "export_unsupported_version",
                        "The file is format version " + version + "; this Warden reads version " + VERSION
                                + " and older. Replay it with a newer Warden.");
            }
            if (version < 1) {
                throw new BadExport("export_malformed", "The header has no valid version.");
            }
            String sessionId = text(header, "sessionId", 1);
            long expectedEntries = header.path("entries").asLong(-1);
            List<JournalEntry> entries = new ArrayList<>();
            String line;
            int number = 1;
            long lastSeq = 0;
            int lastSub = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = parse(line, number);
                long seq = node.path("seq").asLong(-1);
                int sub = node.path("sub").asInt(-1);
                if (seq < 0 || sub < 0 || !node.path("payload").isObject()) {
                    throw new BadExport("export_malformed", "Line " + number + " lacks a seq, sub or payload.");
                }
                boolean next = sub == 0 ? seq == lastSeq + 1 : seq == lastSeq && sub == lastSub + 1;
                if (!next) {
                    throw new BadExport(
                            "export_out_of_order",
                            "Line " + number + " holds entry " + seq + "." + sub + " after " + lastSeq + "." + lastSub
                                    + ": entries are missing or reordered.");
                }
                entries.add(new JournalEntry(
                        sessionId,
                        seq,
                        sub,
                        text(node, "type", number),
                        node.path("turnId").isTextual() ? node.path("turnId").asText() : null,
                        node.path("traceId").isTextual() ? node.path("traceId").asText() : null,
                        instant(node, number),
                        node.get("payload").toString()));
                lastSeq = seq;
                lastSub = sub;
            }
            if (expectedEntries >= 0 && entries.size() != expectedEntries) {
                throw new BadExport(
                        "export_truncated",
                        "The header announces " + expectedEntries + " entries; the file" + " holds " + entries.size()
                                + ".");
            }
            return new Exported(sessionId, header.path("title").asText(null), entries);
        } catch (IOException e) {
            throw new BadExport("export_unreadable", "The file cannot be read: " + e.getMessage());
        }
    }

    private JsonNode parse(String line, int number) {
        try {
            JsonNode node = mapper.readTree(line);
            if (node == null || !node.isObject()) {
                throw new BadExport("export_malformed", "Line " + number + " is not a JSON object.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadExport(
                    "export_truncated",
                    "Line " + number + " is not complete JSON (is the file cut off?): " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode node, String field, int number) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new BadExport("export_malformed", "Line " + number + " lacks '" + field + "'.");
        }
        return value.asText();
    }

    private static Instant instant(JsonNode node, int number) {
        try {
            return Instant.parse(text(node, "ts", number));
        } catch (DateTimeParseException e) {
            throw new BadExport("export_malformed", "Line " + number + " has an invalid 'ts'.");
        }
    }
}

package dev.warden.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalExportTest {

    private final JournalExport export = new JournalExport(null, new ObjectMapper());

    static String header(int version, int entries) {
        return "{\"format\":\"warden-journal\",\"version\":" + version + ",\"sessionId\":\"s1\",\"title\":\"t\","
                + "\"lastSeq\":2,\"entries\":" + entries + "}";
    }

    static String line(long seq, int sub, String type) {
        return "{\"seq\":" + seq + ",\"sub\":" + sub + ",\"type\":\"" + type + "\",\"turnId\":\"t1\","
                + "\"traceId\":\"abc\",\"ts\":\"2026-11-25T10:00:00Z\",\"payload\":{\"text\":\"x\"}}";
    }

    static List<String> valid() {
        return new ArrayList<>(List.of(
                header(1, 4),
                line(1, 0, "turn_started"),
                line(1, 1, "message_received"),
                line(1, 2, "user_input"),
                line(2, 0, "turn_completed")));
    }

    private JournalExport.Exported read(List<String> lines) {
        return export.read(new StringReader(String.join("\n", lines) + "\n"));
    }

    private void refused(List<String> lines, String code) {
        assertThatThrownBy(() -> read(lines))
                .isInstanceOf(JournalExport.BadExport.class)
                .satisfies(e -> assertThat(((JournalExport.BadExport) e).code()).isEqualTo(code))
                .hasMessageNotContaining("Exception");
    }

    @Test
    void readsAValidExportInOrder() {
        JournalExport.Exported exported = read(valid());
        assertThat(exported.sessionId()).isEqualTo("s1");
        assertThat(exported.entries())
                .extracting(JournalEntry::type)
                .containsExactly("turn_started", "message_received", "user_input", "turn_completed");
        assertThat(exported.entries().get(2).sub()).isEqualTo(2);
        assertThat(exported.entries().getLast().visible()).isTrue();
    }

    @Test
    void aFileCutOffMidLineIsTruncated() {
        List<String> lines = valid();
        lines.set(4, lines.get(4).substring(0, 30));
        refused(lines, "export_truncated");
    }

    @Test
    void aFileMissingItsLastLinesIsTruncated() {
        List<String> lines = valid();
        lines.removeLast();
        refused(lines, "export_truncated");
    }

    @Test
    void reorderedOrMissingEntriesAreRefused() {
        List<String> swapped = valid();
        String second = swapped.get(2);
        swapped.set(2, swapped.get(3));
        swapped.set(3, second);
        refused(swapped, "export_out_of_order");

        List<String> gap = valid();
        gap.remove(2);
        refused(gap, "export_out_of_order");
    }

    @Test
    void aNewerFormatVersionIsRefusedWithAHint() {
        List<String> lines = valid();
        lines.set(0, header(2, 4));
        assertThatThrownBy(() -> read(lines)).hasMessageContaining("newer Warden");
        refused(lines, "export_unsupported_version");
    }

    @Test
    void anythingElseMalformedIsSaidSo() {
        refused(List.of(""), "export_empty");
        refused(List.of("{\"format\":\"something-else\",\"version\":1}"), "export_malformed");
        refused(List.of("[1,2]"), "export_malformed");
        List<String> noPayload = valid();
        noPayload.set(1, "{\"seq\":1,\"sub\":0,\"type\":\"turn_started\",\"ts\":\"2026-11-25T10:00:00Z\"}");
        refused(noPayload, "export_malformed");
        List<String> badTime = valid();
        badTime.set(1, line(1, 0, "turn_started").replace("2026-11-25T10:00:00Z", "yesterday"));
        refused(badTime, "export_malformed");
    }
}

package dev.warden.observability;

import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Draws a trace as the waterfall a tracing UI shows (an SVG): one row per span, nested under its parent. */
final class TraceWaterfall {

    private static final int LABEL = 300;
    private static final int BARS = 560;
    private static final int ROW = 24;
    private static final int TOP = 34;

    private TraceWaterfall() {}

    static String svg(List<SpanData> spans, String title) {
        SpanData root = spans.stream()
                .filter(span -> !span.getParentSpanContext().isValid()
                        || spans.stream().noneMatch(other -> other.getSpanId().equals(span.getParentSpanId())))
                .findFirst()
                .orElseThrow();
        List<Row> rows = new ArrayList<>();
        walk(root, 0, spans, rows);
        long start = root.getStartEpochNanos();
        double total = Math.max(1, root.getEndEpochNanos() - start);
        int height = TOP + rows.size() * ROW + 30;
        int width = LABEL + BARS + 90;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        svg.append("<text x=\"8\" y=\"20\" font-size=\"13\" font-weight=\"bold\">")
                .append(escape(title))
                .append("</text>\n");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            SpanData span = row.span();
            int y = TOP + i * ROW;
            if (i % 2 == 0) {
                svg.append("<rect x=\"0\" y=\"")
                        .append(y - 3)
                        .append("\" width=\"100%\" height=\"")
                        .append(ROW)
                        .append("\" fill=\"#f6f8fa\"/>\n");
            }
            svg.append("<text x=\"")
                    .append(8 + row.depth() * 14)
                    .append("\" y=\"")
                    .append(y + 13)
                    .append("\">")
                    .append(escape(label(span)))
                    .append("</text>\n");
            double x = LABEL + (span.getStartEpochNanos() - start) / total * BARS;
            double w = Math.max(2, (span.getEndEpochNanos() - span.getStartEpochNanos()) / total * BARS);
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" rx=\"2\" fill=\"%s\"/>\n",
                    x,
                    y + 2,
                    w,
                    colour(span.getName())));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" fill=\"#57606a\">%s</text>\n",
                    Math.min(x + w + 4, LABEL + BARS + 4),
                    y + 13,
                    millis(span.getEndEpochNanos() - span.getStartEpochNanos())));
        }
        svg.append("<text x=\"8\" y=\"")
                .append(height - 10)
                .append("\" fill=\"#57606a\">trace ")
                .append(root.getTraceId())
                .append(" — ")
                .append(millis(root.getEndEpochNanos() - start))
                .append(" in all</text>\n");
        return svg.append("</svg>\n").toString();
    }

    private record Row(SpanData span, int depth) {}

    private static void walk(SpanData span, int depth, List<SpanData> spans, List<Row> rows) {
        rows.add(new Row(span, depth));
        spans.stream()
                .filter(child -> child.getParentSpanId().equals(span.getSpanId()))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .forEach(child -> walk(child, depth + 1, spans, rows));
    }

    /** The span's name, with what the firewall screened. */
    private static String label(SpanData span) {
        String source =
                span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("warden.firewall.source"));
        return source == null ? span.getName() : span.getName() + " (" + source + ")";
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static String colour(String name) {
        if (name.startsWith("apply_guardrail")) {
            return "#d4a72c";
        }
        if (name.startsWith("warden.memory")) {
            return "#8250df";
        }
        if (name.startsWith("chat ")) {
            return "#0969da";
        }
        if (name.startsWith("execute_tool")) {
            return "#1a7f37";
        }
        if (name.equals("warden.approval")) {
            return "#bf3989";
        }
        if (name.startsWith("warden.journal")) {
            return "#6e7781";
        }
        return "#24292f";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

package dev.warden.firewall.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A labelled JSONL file: one {@code {"text", "label": "attack"|"benign", "source"?, "kind"?}} per line. */
public record Dataset(Path file, String sha256, List<Example> examples) {

    /** One labelled text. {@code source} and {@code kind} are empty when the file has none. */
    public record Example(int line, String text, boolean attack, String source, String kind) {}

    public static Dataset read(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Example> examples = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = mapper.readTree(line);
                String label = node.path("label").asText("");
                if (!label.equals("attack") && !label.equals("benign")) {
                    throw new IOException(file + ":" + n + ": label must be attack or benign, got '" + label + "'");
                }
                examples.add(new Example(
                        n,
                        node.path("text").asText(""),
                        label.equals("attack"),
                        node.path("source").asText(""),
                        node.path("kind").asText("")));
            }
        }
        return new Dataset(file, sha256(file), List.copyOf(examples));
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.warden.firewall.training;

import dev.warden.embedding.TextEmbedder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Embeddings of window texts, kept in a file between runs ({@code target/firewall-embeddings.bin} by default) so that
 * training and cross-validation embed each window once. Keyed by the SHA-256 of the embedding model's name and the
 * text, so vectors of another model are never reused; a cache, never an input.
 */
final class EmbeddingCache implements AutoCloseable {

    private final Path file;
    private final Map<String, float[]> vectors = new HashMap<>();
    private final TextEmbedder embedder;
    private DataOutputStream out;
    int computed;

    EmbeddingCache(Path file, TextEmbedder embedder) {
        this.file = file;
        this.embedder = embedder;
        if (Files.exists(file)) {
            try (DataInputStream in =
                    new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
                while (true) {
                    String key = in.readUTF();
                    float[] v = new float[in.readInt()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = in.readFloat();
                    }
                    vectors.put(key, v);
                }
            } catch (EOFException done) {
                // end of cache
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    synchronized float[] embed(String text) {
        String key = key(text);
        float[] v = vectors.get(key);
        if (v != null) {
            return v;
        }
        v = embedder.embed(text);
        vectors.put(key, v);
        computed++;
        try {
            if (out == null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(
                        file, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)));
            }
            out.writeUTF(key);
            out.writeInt(v.length);
            for (float f : v) {
                out.writeFloat(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return v;
    }

    private static String key(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest((TextEmbedder.MODEL_NAME + "\n" + text).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}

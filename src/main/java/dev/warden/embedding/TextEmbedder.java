package dev.warden.embedding;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The shared in-process sentence embedder: all-MiniLM-L6-v2 (384 dimensions, unit length), weights inside the jar,
 * through langchain4j's ONNX module. One instance serves the firewall and memory, so a turn's text is embedded once:
 * embed it here and hand the vector to both ({@code FirewallScanner.scan(text, source, embedding)}).
 *
 * <p><b>Blocking:</b> {@link #embed} runs the model on the calling thread (about 10 ms for a sentence, 50 ms for a
 * full 256-token window on two cores). Never call it on the event loop; move it to a worker, e.g.
 * {@code Uni.createFrom().item(() -> embedder.embed(text)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())}.
 *
 * <p>The model (about 90 MB of ONNX weights and a native tokenizer) loads on first use, about 1.3 s. The native
 * tokenizer loads once per JVM and class loader: tests that embed must all run either inside {@code @QuarkusTest}s or
 * all outside them.
 */
@ApplicationScoped
public class TextEmbedder {

    /** Length of every vector. */
    public static final int DIMENSION = 384;

    /** Name recorded with anything derived from these vectors (e.g. the firewall's trained head). */
    public static final String MODEL_NAME = "all-MiniLM-L6-v2";

    private volatile AllMiniLmL6V2EmbeddingModel model;

    public TextEmbedder() {}

    /**
     * The embedding of {@code text}: {@value #DIMENSION} floats of unit length; all zeros for blank text. Unpaired
     * surrogates are replaced, so any Java string is accepted. Texts longer than the model's window (about 1,000
     * characters of English) are embedded in parts and averaged, which costs proportionally more. Blocking.
     */
    public float[] embed(String text) {
        String safe = wellFormed(text);
        if (safe.isBlank()) {
            return new float[DIMENSION];
        }
        return model().embed(safe).content().vector();
    }

    /** Loads the model now rather than on the first {@link #embed}; blocking. */
    public void warmUp() {
        model();
    }

    private AllMiniLmL6V2EmbeddingModel model() {
        AllMiniLmL6V2EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    // Runnable::run: embed on the caller's thread instead of a pool of the library's own.
                    m = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
                    model = m;
                }
            }
        }
        return m;
    }

    static String wellFormed(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok;
            if (Character.isHighSurrogate(c)) {
                ok = i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
                if (ok) {
                    if (out != null) {
                        out.append(c).append(text.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else {
                ok = !Character.isLowSurrogate(c);
            }
            if (!ok && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(ok ? c : '\uFFFD');
            }
        }
        return out == null ? text : out.toString();
    }
}

package dev.warden.embedding;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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

    /** Texts {@link #embedAll} embeds at once: one per core, at most two. */
    private static final int PARALLELISM =
            Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    private volatile AllMiniLmL6V2EmbeddingModel model;

    private volatile ExecutorService pool;

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

    /**
     * The embeddings of {@code texts}, in order, each exactly {@link #embed} of its text (the model is deterministic
     * whatever runs beside it). Up to {@link #parallelism()} texts run at once: the first on the calling thread, the
     * others on a small pool of daemon threads. Blocking.
     */
    public List<float[]> embedAll(List<String> texts) {
        int n = texts.size();
        if (n <= 1 || PARALLELISM <= 1) {
            List<float[]> out = new ArrayList<>(n);
            for (String t : texts) {
                out.add(embed(t));
            }
            return out;
        }
        model(); // load once, on this thread
        ExecutorService executor = pool();
        List<CompletableFuture<float[]>> others = new ArrayList<>(n - 1);
        for (int i = 1; i < n; i++) {
            String t = texts.get(i);
            others.add(CompletableFuture.supplyAsync(() -> embed(t), executor));
        }
        List<float[]> out = new ArrayList<>(n);
        out.add(embed(texts.get(0)));
        for (CompletableFuture<float[]> f : others) {
            out.add(f.join());
        }
        return out;
    }

    /** How many texts {@link #embedAll} embeds at once. */
    public int parallelism() {
        return PARALLELISM;
    }

    private ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                p = pool;
                if (p == null) {
                    p = Executors.newFixedThreadPool(PARALLELISM - 1, r -> {
                        Thread t = new Thread(r, "warden-embedder");
                        t.setDaemon(true);
                        return t;
                    });
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Loads the model now rather than on the first {@link #embed}, and runs it once on the caller's thread and on each
     * thread of {@link #embedAll}'s pool; blocking.
     */
    public void warmUp() {
        model();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < PARALLELISM; i++) {
            texts.add("warm up " + i);
        }
        embedAll(texts);
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

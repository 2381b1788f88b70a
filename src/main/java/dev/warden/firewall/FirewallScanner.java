package dev.warden.firewall;

import dev.warden.embedding.TextEmbedder;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The prompt firewall: screens an untrusted text and returns a {@link Verdict}. See docs/firewall.md.
 *
 * <p><b>Blocking:</b> a scan may run the embedding model (tens of milliseconds); call it from a worker thread, never
 * on the event loop. Rules and the n-gram model alone take well under a millisecond for a typical prompt, and the
 * model runs only for the windows the cheap pass is unsure of. To embed a turn's text once for both the firewall and
 * memory, embed it with {@link TextEmbedder} and pass the vector to {@link #scan(String, Source, float[])}.
 *
 * <p>Never throws and always returns: empty text, megabytes of text, malformed Unicode and nested encodings all get a
 * verdict within the configured bounds ({@code warden.firewall.max-chars}, {@code max-embedded-windows}).
 */
@ApplicationScoped
public class FirewallScanner {

    private final FirewallEngine engine;

    FirewallScanner(FirewallConfig config, TextEmbedder embedder) {
        RuleSet rules = RuleSet.load(config.rulesFile());
        for (String problem : rules.exampleProblems()) {
            Log.warnf("Firewall rule example check: %s", problem);
        }
        this.engine = new FirewallEngine(
                rules, Detectors.load(config.modelFile()), FirewallEngine.Embedder.of(embedder), config.settings());
    }

    /** The verdict on {@code text} from {@code source}. Blocking. */
    public Verdict scan(String text, Source source) {
        return engine.scan(text, source);
    }

    /**
     * The verdict on {@code text}, reusing {@code embedding} ({@link TextEmbedder#embed} of this same text, or null)
     * instead of embedding the text again. Blocking.
     */
    public Verdict scan(String text, Source source, float[] embedding) {
        return engine.scanDetailed(text, source, embedding).verdict();
    }

    FirewallEngine engine() {
        return engine;
    }
}

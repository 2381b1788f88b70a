package dev.warden.memory;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The tests' stand-in for the firewall's memory screen (it replaces {@link AdmitEverything} in every test): refuses a
 * piece containing {@link #REFUSE}, removes {@link #REDACT} from the rest, and admits everything else unchanged.
 */
@ApplicationScoped
public class MarkerScreen implements MemoryScreen {

    static final String REFUSE = "[[screen:refuse]]";
    static final String REDACT = "[[screen:redact]]";

    @Override
    public Optional<String> admit(Candidate candidate) {
        if (candidate.vector() == null || candidate.vector().length != 384) {
            throw new IllegalStateException("the screen must get the piece's embedding");
        }
        if (candidate.text().contains(REFUSE)) {
            return Optional.empty();
        }
        return Optional.of(candidate.text().replace(REDACT, "[removed]"));
    }
}

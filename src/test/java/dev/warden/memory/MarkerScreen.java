package dev.warden.memory;

import dev.warden.firewall.FirewallMemoryScreen;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * The firewall's memory screen with two test markers in front: refuses a piece containing {@link #REFUSE}, removes
 * {@link #REDACT} from the rest, and leaves everything else to {@link FirewallMemoryScreen}, the real screen.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class MarkerScreen implements MemoryScreen {

    static final String REFUSE = "[[screen:refuse]]";
    static final String REDACT = "[[screen:redact]]";

    @Inject
    FirewallMemoryScreen firewall;

    @Override
    public Optional<String> admit(Candidate candidate) {
        if (candidate.vector() == null || candidate.vector().length != 384) {
            throw new IllegalStateException("the screen must get the piece's embedding");
        }
        if (candidate.text().contains(REFUSE)) {
            return Optional.empty();
        }
        return firewall.admit(candidate).map(text -> text.replace(REDACT, "[removed]"));
    }
}

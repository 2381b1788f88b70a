package dev.warden.memory;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** The screen until the firewall provides one: everything is remembered as it was said. */
@DefaultBean
@ApplicationScoped
public class AdmitEverything implements MemoryScreen {

    @Override
    public Optional<String> admit(Candidate candidate) {
        return Optional.of(candidate.text());
    }
}

package dev.warden.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.agent.AgentEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JournalNativeImageTest {

    @Test
    void everyRecordOfTheEventModelIsRegisteredForReflection() {
        Set<Class<?>> records = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(AgentEvent.class));
        while (!todo.isEmpty()) {
            Class<?> type = todo.pop();
            if (type.isRecord()) {
                records.add(type);
            }
            todo.addAll(List.of(type.getDeclaredClasses()));
            if (type.isSealed()) {
                todo.addAll(List.of(type.getPermittedSubclasses()));
            }
        }
        List<Class<?>> registered = List.of(JournalNativeImage.class
                .getAnnotation(RegisterForReflection.class)
                .targets());

        assertThat(records).hasSizeGreaterThan(15);
        assertThat(registered).containsAll(records);
    }

    @Test
    void everyJournaledTypeTheCodecReadsIsRegistered() {
        List<Class<?>> registered = List.of(JournalNativeImage.class
                .getAnnotation(RegisterForReflection.class)
                .targets());

        assertThat(registered).containsAll(JournalCodec.TYPES.values());
    }
}

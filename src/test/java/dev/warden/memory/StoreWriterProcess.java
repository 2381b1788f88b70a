package dev.warden.memory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A process for {@link EmbeddedMemoryStoreTest#anAddedMemorySurvivesKillMinus9}: adds N memories one by one to the
 * index in {@code args[0]} for user {@code args[1]}, prints {@link #DONE}, then waits to be killed, never closing the
 * store.
 */
public final class StoreWriterProcess {

    static final String DONE = "added";

    private StoreWriterProcess() {}

    public static void main(String[] args) throws InterruptedException {
        EmbeddedMemoryStore store = EmbeddedMemoryStore.open(Path.of(args[0]), false);
        int count = Integer.parseInt(args[2]);
        for (int i = 0; i < count; i++) {
            String text = "memory number " + i + " of the killed writer";
            store.add(List.of(new MemoryRecord(
                    UUID.randomUUID().toString(), args[1], "s", "t", text, Instant.now(), TestVectors.of(text))));
        }
        System.out.println(DONE);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}

package dev.warden.tools.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a command's output to the end: the first {@code limit} bytes are kept, the rest counted and discarded, so the
 * command never blocks on a full pipe.
 */
final class OutputCollector implements Runnable {

    private final InputStream input;
    private final byte[] kept;
    private int keptLength;
    private long total;

    OutputCollector(InputStream input, int limit) {
        this.input = input;
        this.kept = new byte[limit];
    }

    @Override
    public void run() {
        byte[] buffer = new byte[16 * 1024];
        try (input) {
            int read;
            while ((read = input.read(buffer)) != -1) {
                synchronized (this) {
                    int keep = Math.min(read, kept.length - keptLength);
                    System.arraycopy(buffer, 0, kept, keptLength, keep);
                    keptLength += keep;
                    total += read;
                }
            }
        } catch (IOException e) {
            // the stream was closed: whatever arrived is kept
        }
    }

    synchronized boolean truncated() {
        return total > keptLength;
    }

    /** The kept output as UTF-8 (malformed bytes replaced), and a notice when some was left out. */
    synchronized String text() {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(kept, 0, keptLength))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
        if (truncated()) {
            return text + (text.endsWith("\n") ? "" : "\n") + "[output truncated: the first " + keptLength + " of "
                    + total + " bytes are shown]";
        }
        return text;
    }
}

package dev.warden.tools;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.warden.tools.sandbox.WorkspacePath;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading and changing files in the session's workspace. Every path is resolved inside the workspace
 * ({@code WorkspacePaths}): {@code ..}, absolute paths and symbolic links leading out are refused with an error the model
 * reads, and nothing is touched.
 */
@ApplicationScoped
@RegisterForReflection
public class FileTools implements AgentTool {

    /** Largest file read_file returns (then cut, with a notice). */
    static final int MAX_READ_BYTES = 256 * 1024;
    /** Largest content write_file and edit_file write. */
    static final int MAX_WRITE_BYTES = 1024 * 1024;
    /** Most entries list_files returns. */
    static final int MAX_ENTRIES = 500;

    @Tool(name = "read_file", value = "Reads a text file of the workspace.")
    public String readFile(@P("path of the file, relative to the workspace") String path) {
        WorkspacePath file = resolve(path);
        if (!Files.isRegularFile(file.absolute(), LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("'" + path + "' is not a file of the workspace.");
        }
        try (InputStream in = Files.newInputStream(file.absolute())) {
            byte[] bytes = in.readNBytes(MAX_READ_BYTES + 1);
            boolean cut = bytes.length > MAX_READ_BYTES;
            String text = decode(bytes, cut ? MAX_READ_BYTES : bytes.length);
            return cut ? text + "\n[… cut: the file is longer than " + MAX_READ_BYTES + " bytes]" : text;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read '" + path + "': " + e.getMessage(), e);
        }
    }

    @Tool(name = "list_files", value = "Lists a directory of the workspace; directories end with '/'.")
    public String listFiles(
            @P(value = "directory, relative to the workspace; the workspace itself when omitted", required = false)
                    String path) {
        WorkspacePath dir = resolve(path == null || path.isBlank() ? "." : path);
        if (!Files.isDirectory(dir.absolute(), LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("'" + path + "' is not a directory of the workspace.");
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.absolute())) {
            for (Path entry : entries) {
                names.add(entry.getFileName() + (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) ? "/" : ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list '" + path + "': " + e.getMessage(), e);
        }
        names.sort(String::compareTo);
        if (names.isEmpty()) {
            return "(empty)";
        }
        if (names.size() > MAX_ENTRIES) {
            int all = names.size();
            names = new ArrayList<>(names.subList(0, MAX_ENTRIES));
            names.add("[… " + (all - MAX_ENTRIES) + " more]");
        }
        return String.join("\n", names);
    }

    @Tool(name = "write_file", value = "Writes a text file of the workspace, replacing it if it exists.")
    public String writeFile(
            @P("path of the file, relative to the workspace") String path, @P("the whole new content") String content) {
        WorkspacePath file = resolve(path);
        String text = content == null ? "" : content;
        write(file, text, path);
        return "Wrote " + text.getBytes(StandardCharsets.UTF_8).length + " bytes to " + file.relative() + ".";
    }

    @Tool(
            name = "edit_file",
            value = "Replaces one exact occurrence of old_text with new_text in a file of the workspace.")
    public String editFile(
            @P("path of the file, relative to the workspace") String path,
            @P("the exact text to replace; it must occur exactly once") String old_text,
            @P("the text to put in its place") String new_text) {
        WorkspacePath file = resolve(path);
        String edited = edited(file.absolute(), path, old_text, new_text);
        write(file, edited, path);
        return "Edited " + file.relative() + ".";
    }

    /** The file's content after the edit; refused when old_text is missing or ambiguous. */
    static String edited(Path file, String path, String oldText, String newText) {
        if (oldText == null || oldText.isEmpty()) {
            throw new IllegalArgumentException("old_text must not be empty.");
        }
        String current = current(file, path)
                .orElseThrow(() ->
                        new IllegalArgumentException("'" + path + "' does not exist; use write_file to create it."));
        int first = current.indexOf(oldText);
        if (first < 0) {
            throw new IllegalArgumentException("old_text does not occur in '" + path + "'.");
        }
        if (current.indexOf(oldText, first + 1) >= 0) {
            throw new IllegalArgumentException(
                    "old_text occurs more than once in '" + path + "'; include more context so it is unique.");
        }
        return current.substring(0, first)
                + (newText == null ? "" : newText)
                + current.substring(first + oldText.length());
    }

    /** The text of a file, empty when it does not exist. */
    static java.util.Optional<String> current(Path file, String path) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return java.util.Optional.empty();
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("'" + path + "' is not a regular file.");
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            return java.util.Optional.of(decode(bytes, bytes.length));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read '" + path + "': " + e.getMessage(), e);
        }
    }

    private static void write(WorkspacePath file, String text, String path) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_WRITE_BYTES) {
            throw new IllegalArgumentException("The content is larger than " + MAX_WRITE_BYTES + " bytes.");
        }
        if (Files.isDirectory(file.absolute(), LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("'" + path + "' is a directory.");
        }
        try {
            Path parent = file.absolute().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, ".warden-", ".tmp");
            try {
                Files.write(temp, bytes);
                try {
                    Files.move(
                            temp, file.absolute(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file.absolute(), StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write '" + path + "': " + e.getMessage(), e);
        }
    }

    private static WorkspacePath resolve(String path) {
        return ToolContext.current().workspace().resolve(path);
    }

    static String decode(byte[] bytes, int length) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }
}

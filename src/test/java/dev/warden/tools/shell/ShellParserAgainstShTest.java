package dev.warden.tools.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test: whenever the parser calls a random command simple, the real {@code /bin/sh} must run exactly the
 * commands with exactly the words the parser saw. The commands run a script that prints its arguments, in a directory
 * with files a glob would find.
 */
@EnabledOnOs(OS.LINUX)
class ShellParserAgainstShTest {

    private static final String ARGUMENT_ALPHABET = "ab x-./=~#;&|<>()$`*?[]{}!'\"\\\t%^@:,+_";

    @TempDir
    Path dir;

    @Test
    void theShellRunsExactlyTheWordsTheParserSaw() throws Exception {
        Path printer = dir.resolve("w");
        Files.writeString(printer, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\001' \"$a\"; done\nprintf '\\002'\n");
        Files.setPosixFilePermissions(printer, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("a"), "");
        Files.writeString(dir.resolve("ab"), "");

        Random random = new Random(11);
        int compared = 0;
        for (int attempt = 0; attempt < 200_000 && compared < 300; attempt++) {
            StringBuilder text = new StringBuilder("w");
            int commands = 1 + random.nextInt(2);
            for (int c = 0; c < commands; c++) {
                if (c > 0) {
                    text.append(random.nextBoolean() ? " ; w" : " && w");
                }
                int arguments = random.nextInt(4);
                for (int i = 0; i < arguments; i++) {
                    text.append(' ').append(randomArgument(random));
                }
            }
            if (!(ShellParser.parse(text.toString()) instanceof ParsedCommand.Simple list) || !comparable(list)) {
                continue;
            }
            List<List<String>> expected =
                    list.commands().stream().map(command -> command.arguments()).toList();
            assertThat(runInSh(text.toString())).as(text.toString()).isEqualTo(expected);
            compared++;
        }
        assertThat(compared).as("enough random commands were simple").isGreaterThanOrEqualTo(300);
    }

    /** Only lists where every command is the printer and every command runs can be compared by output. */
    private static boolean comparable(ParsedCommand.Simple list) {
        return list.commands().stream().allMatch(command -> command.program().equals("w"))
                && list.connectors().stream()
                        .allMatch(connector -> connector == Connector.SEQUENCE || connector == Connector.AND);
    }

    private static String randomArgument(Random random) {
        StringBuilder argument = new StringBuilder();
        int length = 1 + random.nextInt(6);
        for (int i = 0; i < length; i++) {
            argument.append(ARGUMENT_ALPHABET.charAt(random.nextInt(ARGUMENT_ALPHABET.length())));
        }
        return argument.toString();
    }

    private List<List<String>> runInSh(String text) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", text)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().put("PATH", dir.toString());
        builder.environment().put("HOME", dir.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<List<String>> invocations = new ArrayList<>();
        List<String> chunks = new ArrayList<>(List.of(output.split("\u0002", -1)));
        chunks.removeLast();
        for (String invocation : chunks) {
            List<String> words = new ArrayList<>(List.of(invocation.split("\u0001", -1)));
            words.removeLast();
            invocations.add(words);
        }
        return invocations;
    }
}

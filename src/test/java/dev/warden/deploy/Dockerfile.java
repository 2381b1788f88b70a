package dev.warden.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Dockerfile read the way the builder reads it: continuation lines joined, comments dropped, split in stages. */
record Dockerfile(List<Instruction> preamble, List<Stage> stages) {

    record Instruction(String keyword, String arguments) {
        boolean is(String name) {
            return keyword.equals(name);
        }
    }

    record Stage(String from, String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.is(keyword)).toList();
        }
    }

    static Dockerfile read(Path path) throws IOException {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(path)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            if (!current.toString().isBlank()) {
                logical.add(current.toString().strip());
            }
            current.setLength(0);
        }
        List<Stage> stages = new ArrayList<>();
        List<Instruction> preamble = new ArrayList<>();
        List<Instruction> target = preamble;
        for (String line : logical) {
            String[] parts = line.split("\\s+", 2);
            Instruction instruction =
                    new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1].strip() : "");
            if (instruction.is("FROM")) {
                String[] from = instruction.arguments().split("\\s+");
                String name =
                        from.length >= 3 && from[from.length - 2].equalsIgnoreCase("AS") ? from[from.length - 1] : "";
                target = new ArrayList<>();
                stages.add(new Stage(from[0], name, target));
            }
            target.add(instruction);
        }
        return new Dockerfile(List.copyOf(preamble), List.copyOf(stages));
    }

    Stage runtime() {
        return stages.getLast();
    }

    /** The stage named {@code name} ({@code FROM … AS name}). */
    Stage stage(String name) {
        return stages.stream()
                .filter(stage -> name.equals(stage.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name));
    }

    /** The stage's base image with the global {@code ARG} defaults filled in. */
    String image(Stage stage) {
        String image = stage.from();
        for (Instruction arg : preamble) {
            String[] nameValue = arg.arguments().split("=", 2);
            if (arg.is("ARG") && nameValue.length == 2) {
                image = image.replace("${" + nameValue[0] + "}", nameValue[1]);
            }
        }
        return image;
    }
}

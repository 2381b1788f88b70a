package dev.warden.tools.shell;

/** The operators allowed between the simple commands of a {@link ParsedCommand.Simple} list. */
public enum Connector {
    /** {@code ;}: run the next command afterwards. */
    SEQUENCE(";"),
    /** {@code &&}: run the next command if this one succeeded. */
    AND("&&"),
    /** {@code ||}: run the next command if this one failed. */
    OR("||"),
    /** {@code |}: this command's output is the next command's input; both run. */
    PIPE("|");

    private final String symbol;

    Connector(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }
}

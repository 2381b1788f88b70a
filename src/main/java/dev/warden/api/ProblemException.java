package dev.warden.api;

/** A request Warden refuses, with the problem to report. */
public class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(int status, String code, String title, String detail) {
        super(detail, null, false, false);
        this.problem = Problem.of(status, code, title, detail);
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(400, code, "Bad request", detail);
    }

    public static ProblemException notFound(String code, String detail) {
        return new ProblemException(404, code, "Not found", detail);
    }

    public static ProblemException conflict(String code, String detail) {
        return new ProblemException(409, code, "Conflict", detail);
    }
}

package dev.warden.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem document, the body of every REST error ({@code application/problem+json}). {@code code} is the
 * stable, machine-readable reason; {@code type} is the same as a URI.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String title, String detail) {
        return new Problem("urn:warden:problem:" + code, title, status, detail, code);
    }
}

package dev.warden.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem document, the body of every REST error ({@code application/problem+json}). {@code code} is the
 * stable, machine-readable reason; {@code type} is the same as a URI.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(
        description = "An RFC 9457 problem document (application/problem+json): the body of every REST error.",
        requiredProperties = {"type", "title", "status", "code"})
public record Problem(
        @Schema(description = "urn:warden:problem:{code}") String type,
        @Schema(description = "The HTTP status's phrase.") String title,
        int status,

        @Schema(description = "What went wrong, for people.")
        String detail,

        @Schema(description = "The stable, machine-readable reason (e.g. session_not_found, invalid_parameter).")
        String code) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String title, String detail) {
        return new Problem("urn:warden:problem:" + code, title, status, detail, code);
    }
}

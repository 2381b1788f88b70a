package dev.warden.observability;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions (current names: {@code gen_ai.provider.name},
 * {@code gen_ai.usage.input_tokens}, ... — not the older {@code gen_ai.system} or {@code ..completion_tokens}), and
 * Warden's own under {@code warden.}.
 */
public final class GenAi {

    public static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
    public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    public static final AttributeKey<Long> USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> USAGE_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    public static final AttributeKey<List<String>> RESPONSE_FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    public static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    public static final AttributeKey<String> OUTPUT_TEXT = AttributeKey.stringKey("gen_ai.output.messages");
    public static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    public static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
    public static final AttributeKey<String> TOOL_TYPE = AttributeKey.stringKey("gen_ai.tool.type");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    public static final String FIRST_TOKEN_EVENT = "gen_ai.first_token";
    public static final AttributeKey<Long> TIME_TO_FIRST_TOKEN_MS =
            AttributeKey.longKey("warden.time_to_first_token_ms");

    public static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("warden.session.id");
    public static final AttributeKey<String> USER_ID = AttributeKey.stringKey("warden.user.id");
    public static final AttributeKey<String> TURN_ID = AttributeKey.stringKey("warden.turn.id");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("warden.outcome");

    private GenAi() {}
}

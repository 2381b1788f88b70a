package dev.warden.api;

import dev.warden.agent.AgentEvent;
import dev.warden.chat.ProtocolMessages;
import dev.warden.journal.JournalCodec;
import dev.warden.journal.Replayer;
import dev.warden.security.TicketStore;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * Completes the OpenAPI document at build time: the schemas of the records the REST API exchanges, read the way Jackson
 * writes them ({@link RecordSchemas}); every WebSocket message with its envelope, and the unions {@code ClientMessage}
 * and {@code ServerMessage} discriminated by {@code type}; and the 401 and 500 every operation can answer.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class ApiDocumentFilter implements OASFilter {

    static final String CLIENT_MESSAGE = "ClientMessage";
    static final String SERVER_MESSAGE = "ServerMessage";
    static final String JOURNAL_FACT = "JournalFact";
    static final String JOURNAL_EVENT = "JournalEvent";
    /** Marks an array response whose items are {@link #JOURNAL_EVENT}s (an annotation cannot refer to a schema by name). */
    static final String JOURNAL_EVENTS = "Journal entries in their wire form, in order.";

    static final String UNAUTHORIZED = "Unauthorized";
    static final String INTERNAL_ERROR = "InternalError";

    /** Records of the REST API whose schemas follow Jackson's output (required, nullable) rather than the scanner's. */
    static final List<Class<?>> REST_RECORDS = List.of(
            Problem.class,
            SessionResource.SessionView.class,
            SessionResource.ReplayRequest.class,
            SessionResource.ForkResult.class,
            Replayer.Result.class,
            MemoryResource.MemoryView.class,
            MemoryResource.Forgotten.class,
            ApprovalResource.PendingApproval.class,
            ApprovalResource.DecisionRequest.class,
            ApprovalResource.DecisionResult.class,
            FirewallResource.ScanRequest.class,
            AgentEvent.FirewallVerdict.class,
            UserResource.CreateUserRequest.class,
            UserResource.CreatedUser.class,
            UserResource.UserView.class,
            TicketStore.Ticket.class);

    /** What the scanner makes of Jackson's tree types; nothing refers to them once the records are defined. */
    private static final List<String> SCANNER_LEFTOVERS =
            List.of("JsonNode", "ObjectNode", "JsonNodeFactory", "JsonNodeType", "Instant");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        addFrame(openAPI, components);
        RecordSchemas records = new RecordSchemas(components);
        REST_RECORDS.forEach(records::define);
        SCANNER_LEFTOVERS.forEach(components::removeSchema);
        // The scanner also lists every class with a @Schema annotation, the protocol's records among them; their
        // fields appear inside the message schemas instead.
        for (ProtocolMessages.Message message : concat(ProtocolMessages.CLIENT, ProtocolMessages.SERVER)) {
            if (!records.defined().contains(RecordSchemas.name(message.fields()))) {
                components.removeSchema(RecordSchemas.name(message.fields()));
            }
        }
        addProtocol(components, records);
        addCommonResponses(openAPI, components);
    }

    private static void addFrame(OpenAPI openAPI, Components components) {
        if (openAPI.getInfo() == null) {
            openAPI.setInfo(OASFactory.createInfo());
        }
        openAPI.getInfo().title(ApiDocument.TITLE).description(ApiDocument.DESCRIPTION);
        if (openAPI.getInfo().getVersion() == null) {
            openAPI.getInfo().version("0.1.0");
        }
        openAPI.setTags(new ArrayList<>());
        ApiDocument.TAGS.forEach(
                tag -> openAPI.addTag(OASFactory.createTag().name(tag.name()).description(tag.description())));
        components.addSecurityScheme(
                ApiDocument.BEARER,
                OASFactory.createSecurityScheme()
                        .type(org.eclipse.microprofile.openapi.models.security.SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description(ApiDocument.BEARER_DESCRIPTION));
        openAPI.setSecurity(
                new ArrayList<>(List.of(OASFactory.createSecurityRequirement().addScheme(ApiDocument.BEARER))));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void addProtocol(Components components, RecordSchemas records) {
        Map<String, String> clientMapping = new LinkedHashMap<>();
        for (ProtocolMessages.Message message : ProtocolMessages.CLIENT) {
            components.addSchema(message.schemaName(), clientMessage(message, records));
            clientMapping.put(message.type(), "#/components/schemas/" + message.schemaName());
        }
        components.addSchema(
                CLIENT_MESSAGE,
                union(
                        clientMapping,
                        "A message a client sends over /ws/chat: 'type' and a client-chosen 'id', then its fields."));

        Map<String, String> serverMapping = new LinkedHashMap<>();
        for (ProtocolMessages.Message message : ProtocolMessages.SERVER) {
            components.addSchema(message.schemaName(), serverMessage(message, records));
            serverMapping.put(message.type(), "#/components/schemas/" + message.schemaName());
        }
        components.addSchema(
                SERVER_MESSAGE,
                union(
                        serverMapping,
                        "A message the server sends over /ws/chat: the envelope (type, sessionId, seq, traceId, turnId"
                                + " when it belongs to a turn, ts), then its fields. Clients ignore types and fields"
                                + " they do not know."));

        components.addSchema(JOURNAL_FACT, journalFact());
        components.addSchema(
                JOURNAL_EVENT,
                OASFactory.createSchema()
                        .description("An entry of a session's journal: a ServerMessage, or (with facts=true) an"
                                + " internal fact.")
                        .addAnyOf(RecordSchemas.ref(SERVER_MESSAGE))
                        .addAnyOf(RecordSchemas.ref(JOURNAL_FACT)));
    }

    private static Schema clientMessage(ProtocolMessages.Message message, RecordSchemas records) {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", typeProperty(message.type()));
        properties.putAll(records.properties(message.fields()));
        Set<String> required = new LinkedHashSet<>(List.of("type"));
        required.addAll(records.required(message.fields()));
        return OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .description(message.description())
                .properties(properties)
                .required(new ArrayList<>(required));
    }

    private static Schema serverMessage(ProtocolMessages.Message message, RecordSchemas records) {
        Map<String, Schema> properties = envelope(message.type());
        properties.putAll(records.properties(message.fields()));
        Set<String> required = new LinkedHashSet<>(List.of("type", "sessionId", "seq", "traceId"));
        if (message.inTurn()) {
            required.add("turnId");
        }
        required.add("ts");
        required.addAll(records.required(message.fields()));
        return OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .description(message.description())
                .properties(properties)
                .required(new ArrayList<>(required));
    }

    private static Map<String, Schema> envelope(String type) {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", typeProperty(type));
        properties.put("sessionId", string("The session."));
        properties.put(
                "seq",
                OASFactory.createSchema()
                        .addType(SchemaType.INTEGER)
                        .format("int64")
                        .minimum(BigDecimal.ZERO)
                        .description("The session's sequence number: 1, 2, 3, ... without gaps. A reply"
                                + " (session_ready, pong, an error about this connection's input) carries the"
                                + " session's latest one and does not advance it."));
        properties.put(
                "traceId",
                string("W3C trace id: the turn's trace, or for a message outside a turn the span that handled it.")
                        .pattern("^[0-9a-f]{32}$"));
        properties.put("turnId", string("The turn, on every message that belongs to one."));
        properties.put(
                "ts", string("When it happened (ISO-8601, UTC, microseconds).").format("date-time"));
        return properties;
    }

    private static Schema journalFact() {
        List<Object> factTypes = JournalCodec.types().entrySet().stream()
                .filter(entry -> AgentEvent.Fact.class.isAssignableFrom(entry.getValue()))
                .map(Map.Entry::getKey)
                .sorted()
                .map(Object.class::cast)
                .toList();
        Map<String, Schema> properties = envelope("fact");
        properties.put("type", string("The fact's type.").enumeration(factTypes));
        properties.put(
                "sub",
                OASFactory.createSchema()
                        .addType(SchemaType.INTEGER)
                        .format("int32")
                        .minimum(BigDecimal.ONE)
                        .description("The fact's position after the client event 'seq'."));
        return OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .description("An internal fact of the journal (model requests and responses, tool invocations, the"
                        + " conversation), never sent over the WebSocket; its own fields follow the envelope"
                        + " (docs/journal.md).")
                .properties(properties)
                .required(List.of("type", "sessionId", "seq", "sub", "traceId", "ts"))
                .additionalPropertiesBoolean(true);
    }

    private static Schema union(Map<String, String> mapping, String description) {
        Schema union = OASFactory.createSchema()
                .description(description)
                .discriminator(
                        OASFactory.createDiscriminator().propertyName("type").mapping(mapping));
        mapping.values().forEach(ref -> union.addOneOf(OASFactory.createSchema().ref(ref)));
        return union;
    }

    private static Schema typeProperty(String type) {
        return OASFactory.createSchema().addType(SchemaType.STRING).enumeration(List.of(type));
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(SchemaType.STRING).description(description);
    }

    /** A missing or wrong token (401) and an unexpected failure (500) can happen in every operation. */
    private static void addCommonResponses(OpenAPI openAPI, Components components) {
        components.addResponse(
                UNAUTHORIZED,
                OASFactory.createAPIResponse()
                        .description("No valid bearer token (code unauthorized); the WWW-Authenticate header says"
                                + " 'Bearer realm=\"warden\"'.")
                        .addHeader(
                                "WWW-Authenticate",
                                OASFactory.createHeader()
                                        .schema(OASFactory.createSchema().addType(SchemaType.STRING)))
                        .content(problemContent()));
        components.addResponse(
                INTERNAL_ERROR,
                OASFactory.createAPIResponse()
                        .description("An unexpected failure (code internal_error).")
                        .content(problemContent()));
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().values().forEach(item -> {
            for (Operation operation : item.getOperations().values()) {
                if (operation.getResponses() == null) {
                    operation.setResponses(OASFactory.createAPIResponses());
                }
                if (!operation.getResponses().hasAPIResponse("401")) {
                    operation
                            .getResponses()
                            .addAPIResponse(
                                    "401", OASFactory.createAPIResponse().ref(UNAUTHORIZED));
                }
                operation.getResponses().getAPIResponses().forEach((code, response) -> {
                    if (response.getContent() != null) {
                        response.getContent().getMediaTypes().values().stream()
                                .map(org.eclipse.microprofile.openapi.models.media.MediaType::getSchema)
                                .filter(schema -> schema != null && JOURNAL_EVENTS.equals(schema.getDescription()))
                                .forEach(schema -> schema.items(RecordSchemas.ref(JOURNAL_EVENT)));
                    }
                    boolean error = code.startsWith("4") || code.startsWith("5");
                    if (error && response.getRef() == null && response.getContent() == null) {
                        response.setContent(problemContent());
                    }
                });
                if (!operation.getResponses().hasAPIResponse("500")) {
                    operation
                            .getResponses()
                            .addAPIResponse(
                                    "500", OASFactory.createAPIResponse().ref(INTERNAL_ERROR));
                }
            }
        });
    }

    static org.eclipse.microprofile.openapi.models.media.Content problemContent() {
        return OASFactory.createContent()
                .addMediaType(
                        Problem.MEDIA_TYPE,
                        OASFactory.createMediaType().schema(RecordSchemas.ref(RecordSchemas.name(Problem.class))));
    }
}

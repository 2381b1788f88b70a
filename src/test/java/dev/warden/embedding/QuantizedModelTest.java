package dev.warden.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The int8 embedding model gives the same integers on every x86 CPU (docs/firewall.md, "Embedding model"): ONNX
 * Runtime's AVX2 kernel (no VNNI) adds two u8 x s8 products into an int16, which cannot saturate only while the
 * weights stay within [-64, 64]. A model quantized for VNNI (full [-128, 127]) would give other vectors on older CPUs
 * than the ones the firewall was trained on; this reads the shipped ONNX file and fails on such a model.
 */
class QuantizedModelTest {

    private static final int INT8 = 3;

    @Test
    void everyInt8WeightOfTheMatrixProductsFitsAvx2WithoutSaturating() throws IOException {
        byte[] model;
        try (InputStream in = TextEmbedder.class.getResourceAsStream("/" + TextEmbedder.RESOURCES.get(0))) {
            assertThat(in).as(TextEmbedder.RESOURCES.get(0)).isNotNull();
            model = in.readAllBytes();
        }
        ByteBuffer graph = only(ByteBuffer.wrap(model), 7);
        Map<String, int[]> int8Ranges = new HashMap<>();
        List<String> matMulIntegerWeights = new ArrayList<>();
        for (Field field : fields(graph)) {
            if (field.number() == 5) { // initializer: a TensorProto
                Tensor tensor = tensor(field.bytes());
                if (tensor.dataType() == INT8 && tensor.raw() != null) {
                    int min = Integer.MAX_VALUE;
                    int max = Integer.MIN_VALUE;
                    ByteBuffer raw = tensor.raw();
                    while (raw.hasRemaining()) {
                        int v = raw.get();
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    int8Ranges.put(tensor.name(), new int[] {min, max});
                }
            } else if (field.number() == 1) { // node: op_type 4, inputs 1
                List<Field> node = fields(field.bytes());
                String op = string(only(node, 4));
                if (op.equals("MatMulInteger")) {
                    List<String> inputs = node.stream()
                            .filter(f -> f.number() == 1)
                            .map(f -> string(f.bytes()))
                            .toList();
                    matMulIntegerWeights.add(inputs.get(1));
                }
            }
        }

        assertThat(matMulIntegerWeights).hasSize(36);
        for (String weight : matMulIntegerWeights) {
            int[] range = int8Ranges.get(weight);
            assertThat(range).as("%s is an int8 initializer", weight).isNotNull();
            assertThat(range[0]).as("%s min", weight).isGreaterThanOrEqualTo(-64);
            // so the largest pair sum of u8 activations and these weights, 2 x 255 x 64 = 32,640, fits an int16
            assertThat(range[1]).as("%s max", weight).isLessThanOrEqualTo(64);
        }
    }

    record Field(int number, long value, ByteBuffer bytes) {}

    record Tensor(String name, int dataType, ByteBuffer raw) {}

    /** The fields of one protobuf message (protobuf-java's reader, on the test class path through OpenTelemetry). */
    static List<Field> fields(ByteBuffer message) {
        CodedInputStream in = CodedInputStream.newInstance(message.duplicate());
        List<Field> out = new ArrayList<>();
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int number = WireFormat.getTagFieldNumber(tag);
                switch (WireFormat.getTagWireType(tag)) {
                    case WireFormat.WIRETYPE_VARINT -> out.add(new Field(number, in.readInt64(), null));
                    case WireFormat.WIRETYPE_LENGTH_DELIMITED ->
                        out.add(new Field(number, 0, in.readBytes().asReadOnlyByteBuffer()));
                    default -> in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static Tensor tensor(ByteBuffer message) {
        String name = null;
        int dataType = 0;
        ByteBuffer raw = null;
        for (Field f : fields(message)) {
            switch (f.number()) {
                case 2 -> dataType = (int) f.value();
                case 8 -> name = string(f.bytes());
                case 9 -> raw = f.bytes();
                default -> {}
            }
        }
        return new Tensor(name, dataType, raw);
    }

    static ByteBuffer only(List<Field> fields, int number) {
        List<Field> found = fields.stream().filter(f -> f.number() == number).toList();
        assertThat(found).as("field %d", number).hasSize(1);
        return found.getFirst().bytes();
    }

    static ByteBuffer only(ByteBuffer message, int number) {
        return only(fields(message), number);
    }

    static String string(ByteBuffer bytes) {
        byte[] b = new byte[bytes.remaining()];
        bytes.duplicate().get(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}

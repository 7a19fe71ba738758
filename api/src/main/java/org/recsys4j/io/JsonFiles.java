package org.recsys4j.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON side of every format: one strict mapper, and reading that turns every way a file can
 * be wrong (empty, not JSON, a list where an object belongs, beyond Jackson's nesting or length
 * limits) into a {@link FormatException} naming the file, never a parser's stack trace.
 */
public final class JsonFiles {
    /** Larger than any header or model.json we write; a bigger file is refused before it is read. */
    public static final long MAX_BYTES = 1L << 30;

    /** Indented output; unknown fields and nulls for primitives are errors on input. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JsonFiles() {
    }

    /**
     * Reads {@code file}, which must be a regular file holding a JSON object.
     *
     * @param what what the object is, for messages, e.g. "a model bundle's model.json"
     */
    public static JsonNode readObject(Path file, String what, FormatException.Factory errors) throws IOException {
        long size = FileChecks.requireRegularFile(file, what, errors);
        if (size > MAX_BYTES) {
            throw errors.create(file, file + " has " + size + " bytes, more than the " + MAX_BYTES + " that "
                    + what + " may have");
        }
        return parseObject(file, Files.readAllBytes(file), what, errors);
    }

    /** Parses {@code bytes}, read from {@code file}, as a JSON object. */
    public static JsonNode parseObject(Path file, byte[] bytes, String what, FormatException.Factory errors)
            throws FormatException {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (StreamConstraintsException e) {
            throw errors.create(file, file + " is beyond what recsys4j reads as JSON: "
                    + Text.cut(e.getOriginalMessage()) + "; expected " + what, e);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw errors.create(file, file + " is not valid JSON: " + Text.cut(String.valueOf(e.getOriginalMessage()))
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        } catch (IOException e) {
            throw errors.create(file, file + " cannot be parsed: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw errors.create(file, file + " is empty; expected " + what);
        }
        if (!root.isObject()) {
            throw errors.create(file, file + " holds a JSON " + kind(root) + ", not an object; expected " + what);
        }
        return root;
    }

    /**
     * Converts a field of a parsed object into {@code type}, naming the field when it is missing or
     * does not fit.
     */
    public static <T> T field(Path file, JsonNode root, String name, Class<T> type, FormatException.Factory errors)
            throws FormatException {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw errors.create(file, file + ": '" + name + "' is missing");
        }
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String why = cause instanceof JsonProcessingException j ? j.getOriginalMessage() : cause.getMessage();
            throw errors.create(file, file + ": '" + name + "' is invalid: " + Text.cut(String.valueOf(why)), e);
        }
    }

    /** The value as JSON bytes, indented, for {@link AtomicFiles#write(Path, byte[])}. */
    public static byte[] bytes(Object value) throws IOException {
        return MAPPER.writeValueAsBytes(value);
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> node.isEmpty() ? "list ([])" : "list";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}

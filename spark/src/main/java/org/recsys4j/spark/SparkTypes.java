package org.recsys4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.recsys4j.bundle.BundleFormatException;
import org.recsys4j.io.FormatHeader;
import org.recsys4j.io.JsonFiles;

/**
 * The {@code spark} extra's {@code spark.json}: the Spark types of the user and item id columns,
 * so that a loaded model reads and writes the same columns. It starts with {@link #HEADER}, as
 * every file recsys4j writes; one saved before it had the header (the two types only) still reads.
 */
record SparkTypes(IdType users, IdType items) {
    static final FormatHeader HEADER = new FormatHeader("recsys4j-spark-types", 1, 1);

    void write(Path file) throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        HEADER.writeTo(root);
        root.put("userType", users.sparkType().catalogString());
        root.put("itemType", items.sparkType().catalogString());
        Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
                StandardCharsets.UTF_8);
    }

    /** The types in {@code file}; another format or version, or an unknown type, is an error naming the file. */
    static SparkTypes read(Path file) throws IOException {
        JsonNode root = JsonFiles.readObject(file, "a Spark model's " + file.getFileName() + " (a JSON object"
                + " starting {\"format\": \"" + HEADER.name() + "\", ...})", BundleFormatException::new);
        if (root.has(FormatHeader.FORMAT_FIELD) || root.has(FormatHeader.VERSION_FIELD)) {
            HEADER.check(file, root, BundleFormatException::new);
        }
        try {
            return new SparkTypes(IdType.named(root.path("userType").asText()),
                    IdType.named(root.path("itemType").asText()));
        } catch (IllegalArgumentException e) {
            throw new BundleFormatException(file, file + " is damaged: " + e.getMessage(), e);
        }
    }
}

package org.recsys4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleFormatException;
import org.recsys4j.io.FormatTooNewException;

/**
 * {@code spark.json} carries a format header like every file recsys4j writes: the reader checks
 * it, and a file saved before it had one still reads.
 */
class SparkTypesTest {
    @TempDir
    Path dir;

    @Test
    void aWrittenFileStartsWithItsHeaderAndReadsBack() throws Exception {
        Path file = dir.resolve(ModelIO.SPARK_FILE);
        new SparkTypes(IdType.named("int"), IdType.named("string")).write(file);
        String json = Files.readString(file);
        assertTrue(json.startsWith("{\n  \"format\" : \"recsys4j-spark-types\",\n  \"formatVersion\" : 1,"), json);
        assertEquals(new SparkTypes(IdType.named("int"), IdType.named("string")), SparkTypes.read(file));
    }

    @Test
    void aFileFromBeforeTheHeaderStillReads() throws Exception {
        Path file = write("{\n  \"userType\": \"bigint\",\n  \"itemType\": \"int\"\n}\n");
        assertEquals(new SparkTypes(IdType.named("bigint"), IdType.named("int")), SparkTypes.read(file));
    }

    @Test
    void anotherFormatANewerVersionOrAnUnknownTypeIsAnErrorNamingTheFile() throws Exception {
        Path file = write("{\"format\": \"recsys4j-bundle-data\", \"formatVersion\": 1, \"userType\": \"int\","
                + " \"itemType\": \"int\"}");
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> SparkTypes.read(file));
        assertEquals(file + " is not a recsys4j-spark-types file: its 'format' is \"recsys4j-bundle-data\","
                + " expected \"recsys4j-spark-types\"", e.getMessage());

        write("{\"format\": \"recsys4j-spark-types\", \"formatVersion\": 2, \"userType\": \"int\", \"itemType\":"
                + " \"int\"}");
        FormatTooNewException newer = assertThrows(FormatTooNewException.class, () -> SparkTypes.read(file));
        assertTrue(newer.getMessage().startsWith(file + " was written by a newer recsys4j"), newer.getMessage());

        write("{\"formatVersion\": 1, \"userType\": \"int\", \"itemType\": \"int\"}");
        e = assertThrows(BundleFormatException.class, () -> SparkTypes.read(file));
        assertTrue(e.getMessage().contains("its 'format' is missing"), e.getMessage());

        write("{\"format\": \"recsys4j-spark-types\", \"formatVersion\": 1, \"userType\": \"float\","
                + " \"itemType\": \"int\"}");
        e = assertThrows(BundleFormatException.class, () -> SparkTypes.read(file));
        assertEquals(file + " is damaged: unknown id type 'float'", e.getMessage());
    }

    private Path write(String json) throws Exception {
        return Files.writeString(dir.resolve(ModelIO.SPARK_FILE), json, StandardCharsets.UTF_8);
    }
}

package org.recsys4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Provenance;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.vocab.StringLookup;

/**
 * The class path the spark module runs on is Spark's own: Jackson, Scala, SLF4J and protobuf at
 * the versions Spark 3.5 ships, and recsys4j's code works on them.
 */
class DependencyAlignmentTest {
    @TempDir
    Path scratch;

    @Test
    void jacksonIsSparksAndTheBundleFormatRunsOnIt() throws Exception {
        String databind = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString();
        String scalaModule = com.fasterxml.jackson.module.scala.JacksonModule$.MODULE$.version().toString();
        assertEquals("2.15.2", databind);
        // jackson-module-scala refuses another databind minor version when Spark starts
        assertEquals(databind, scalaModule);
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user", 3, 4),
                TowerSpec.embedding("candidate", "item", 4, 4), RetrievalTaskSpec.defaults());
        ModelBundle bundle = new ModelBundle(spec, Map.of("user", StringLookup.of(List.of("u1", "u2")), "item",
                StringLookup.of(List.of("a", "b", "c"))), Initializers.initialWeights(spec, 1),
                new TrainingConfig(new Adagrad(0.1), 2, 2, 1, 1), new Provenance("test", Map.of(), 1, "none", Map.of(),
                        "now"));
        BundleIO.save(bundle, scratch.resolve("b"));
        ModelBundle loaded = BundleIO.load(scratch.resolve("b"));
        assertEquals(bundle.spec(), loaded.spec());
        assertEquals(bundle.vocabularies(), loaded.vocabularies());
    }

    @Test
    void scalaAndSlf4jAreTheVersionsSparkIsBuiltWith() {
        assertEquals("2.12.18", scala.util.Properties.versionNumberString());
        assertEquals("slf4j-api-2.0.7.jar", jarOf(org.slf4j.LoggerFactory.class));
        SparkSession spark = LocalSpark.start(scratch);
        try {
            // a job runs: RDDOperationScope's JSON goes through jackson-module-scala
            assertEquals(3, spark.range(3).toDF().collectAsList().size());
        } finally {
            spark.stop();
        }
    }

    @Test
    void sparksTinkProtobufClassesRunOnTheProjectsProtobuf() throws Exception {
        // Spark's network crypto (tink) is compiled against protobuf 3.19; the project's 3.21.9 runs it
        assertEquals("protobuf-java-3.21.9.jar", jarOf(com.google.protobuf.ByteString.class));
        var key = com.google.crypto.tink.proto.AesGcmKey.newBuilder().setVersion(0)
                .setKeyValue(com.google.protobuf.ByteString.copyFrom(new byte[16])).build();
        assertEquals(key, com.google.crypto.tink.proto.AesGcmKey.parseFrom(key.toByteArray()));
    }

    private static String jarOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

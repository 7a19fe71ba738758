package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.vocab.StringLookup;

class SavedModelExportTest {
    @TempDir
    Path tmp;

    @Test
    void reloadedSavedModelGivesTheIndexTopK() throws Exception {
        StringLookup users = StringLookup.of(IntStream.range(0, 60).mapToObj(i -> "user" + i).toList());
        List<String> titles = IntStream.range(0, 90).mapToObj(i -> "Movie é " + i + " (1995)").toList();
        StringLookup titleLookup = StringLookup.of(titles);
        RetrievalSpec spec = new RetrievalSpec(
                TowerSpec.embedding("query", "user_id", users.size(), 16).withDense(8, Activation.RELU),
                TowerSpec.embedding("candidate", "movie_title", titleLookup.size(), 8), RetrievalTaskSpec.defaults());
        ModelBundle bundle = new ModelBundle(spec, Map.of("user_id", users, "movie_title", titleLookup),
                Initializers.initialWeights(spec, 5), null, null);
        Embeddings candidates = bundle.javaCandidateTower().embed(titles.toArray(String[]::new));
        BruteForceIndex index = new BruteForceIndex(bundle.javaQueryTower()).index(titles, candidates);

        Path version = SavedModelExport.export(bundle, titles, candidates, 10, tmp.resolve("serving"), 1);
        assertTrue(Files.isRegularFile(version.resolve("saved_model.pb")));
        assertTrue(Files.isDirectory(version.resolve("variables")));
        try (SavedModelExport.Served served = new SavedModelExport.Served(version)) {
            String[] queries = {"user0", "user42", "user59", "someone new"};
            List<TopK> got = served.query(queries);
            for (int i = 0; i < queries.length; i++) {
                TopK expected = index.query(queries[i], 10);
                assertEquals(expected.identifiers(), got.get(i).identifiers(), queries[i]);
                for (int j = 0; j < 10; j++) {
                    assertEquals(expected.scores()[j], got.get(i).scores()[j], 1e-5);
                }
            }
        }
        assertThrows(java.io.IOException.class,
                () -> SavedModelExport.export(bundle, titles, candidates, 10, tmp.resolve("serving"), 1));

        // an export killed while staging version 2 left a hidden directory, which TF Serving ignores
        // (not a number) and the next export removes
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path killed = Files.createDirectories(tmp.resolve("serving").resolve(".2.writing-" + gone.pid() + "-x1"));
        Files.writeString(killed.resolve("saved_model.pb"), "partial");
        Path second = SavedModelExport.export(bundle, titles, candidates, 10, tmp.resolve("serving"), 2);
        try (var entries = Files.list(tmp.resolve("serving"))) {
            assertEquals(List.of("1", "2"), entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.isRegularFile(second.resolve("saved_model.pb")));
    }
}

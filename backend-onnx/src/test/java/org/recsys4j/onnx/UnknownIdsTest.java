package org.recsys4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.vocab.StringLookup;

/** Ids the vocabulary does not know go to the OOV row inside the model, as StringLookup sends them. */
class UnknownIdsTest {
    private static final List<String> UNKNOWN = List.of("no-such-user", "", "0", "9999", "ユーザー", " 42", "42 ");

    @TempDir
    Path tmp;

    @Test
    void unknownIdsGetTheOovRowsEmbedding() throws Exception {
        ModelBundle bundle = MovieLensBundles.syntheticWithDenseLayers();
        OnnxFiles files = export(bundle);
        try (OnnxInference onnx = OnnxInference.open(files, BackendOptions.none())) {
            Embeddings oov = bundle.javaQueryTower().embedIndices(new int[] {StringLookup.OOV_INDEX});
            for (String id : UNKNOWN) {
                assertEquals(StringLookup.OOV_INDEX, bundle.vocabulary(bundle.spec().query()).index(id));
                assertArrayEquals(oov.row(0), onnx.queryTower().embed(id).row(0), 1e-5f, "'" + id + "'");
            }
            assertArrayEquals(oov.row(0), onnx.queryTower().embedIndices(new int[] {0}).row(0), 1e-5f);
            assertThrows(IndexOutOfBoundsException.class, () -> onnx.queryTower().embedIndices(new int[] {944}));
            assertThrows(IllegalArgumentException.class, () -> onnx.queryTower().embed("1", null));
        }
    }

    @Test
    void unknownIdsAreAnsweredFromTheOovRowByTheRetrievalModel() throws Exception {
        ModelBundle bundle = MovieLensBundles.syntheticEmbeddingOnly();
        OnnxFiles files = export(bundle);
        List<String> movies = MovieLensBundles.syntheticMovies();
        BruteForceIndex java = new BruteForceIndex(bundle.javaQueryTower())
                .index(movies, bundle.javaCandidateTower().embed(movies.toArray(String[]::new)));
        try (OnnxRetrievalIndex onnx = OnnxRetrievalIndex.open(files.retrieval(), BackendOptions.none())) {
            List<String> mixed = List.of("42", "no-such-user", "1", "");
            List<TopK> batch = onnx.query(mixed, 10);
            for (int i = 0; i < mixed.size(); i++) {
                TopK expected = java.query(mixed.get(i), 10);
                assertEquals(expected.identifiers(), batch.get(i).identifiers(), "'" + mixed.get(i) + "'");
                assertArrayEquals(expected.scores(), batch.get(i).scores(), 1e-4f);
            }
            assertEquals(onnx.query("no-such-user", 10), onnx.query("another stranger", 10), "one OOV row for all");
        }
    }

    private OnnxFiles export(ModelBundle bundle) throws Exception {
        List<String> movies = MovieLensBundles.syntheticMovies();
        return OnnxExport.write(bundle, movies, bundle.javaCandidateTower().embed(movies.toArray(String[]::new)), 10,
                tmp);
    }
}

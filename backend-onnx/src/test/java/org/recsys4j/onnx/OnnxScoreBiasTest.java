package org.recsys4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.model.Embeddings;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.testing.OptionsCase;

/**
 * A learned per-candidate bias on L2-normalised dense towers, exported: the normalisation, the
 * towers' last column and the index's scores, as the Java reference.
 */
class OnnxScoreBiasTest {
    @TempDir
    Path tmp;

    static ModelBundle bundle() {
        return OptionsCase.random("bias", 3, RetrievalTaskSpec.defaults(), false, 0, true, true, true).bundle();
    }

    @Test
    void towersAndTheRetrievalModelCarryTheBias() throws Exception {
        ModelBundle bundle = bundle();
        List<String> users = bundle.vocabulary(bundle.spec().query()).vocabulary();
        List<String> items = bundle.vocabulary(bundle.spec().candidate()).vocabulary();
        Embeddings javaItems = bundle.javaCandidateTower().embed(items.toArray(String[]::new));
        OnnxFiles files = OnnxExport.write(bundle, items, javaItems, 5, tmp);
        try (OnnxInference onnx = OnnxInference.open(files, BackendOptions.none())) {
            Embeddings ortItems = onnx.candidateTower().embed(items.toArray(String[]::new));
            assertEquals(bundle.spec().candidate().outputDim(), ortItems.dim());
            assertTrue(ortItems.maxAbsDifference(javaItems) < 1e-5);
            Embeddings ortUsers = onnx.queryTower().embed(users.toArray(String[]::new));
            assertTrue(ortUsers.maxAbsDifference(bundle.javaQueryTower().embed(users.toArray(String[]::new))) < 1e-5);
            for (int i = 0; i < ortUsers.rows(); i++) {
                assertEquals(1f, ortUsers.get(i, ortUsers.dim() - 1), "the query side of the bias is 1");
            }
            BruteForceIndex reference = new BruteForceIndex(bundle.javaQueryTower()).index(items, javaItems);
            try (OnnxRetrievalIndex served = OnnxRetrievalIndex.open(files.retrieval(), BackendOptions.none())) {
                for (String user : users.subList(0, 5)) {
                    assertEquals(reference.query(user, 5).identifiers(), served.query(user, 5).identifiers(), user);
                }
            }
        }
    }
}

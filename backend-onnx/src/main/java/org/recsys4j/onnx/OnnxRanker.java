package org.recsys4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.ranking.Ranker;
import org.recsys4j.spi.BackendOptions;

/**
 * A {@code ranking.onnx} file ({@link OnnxRankingExport}) in ONNX Runtime as a {@link Ranker}: the
 * query's value repeated for every candidate, the candidates' values, one prediction each. A
 * model whose towers read other features than these two is refused.
 */
public final class OnnxRanker implements Ranker, AutoCloseable {
    private final OrtSession session;
    private final String queryInput;
    private final String candidateInput;
    private final String output;

    private OnnxRanker(OrtSession session, String queryInput, String candidateInput) {
        this.session = session;
        this.queryInput = queryInput;
        this.candidateInput = candidateInput;
        this.output = session.getOutputNames().iterator().next();
    }

    /**
     * Opens {@code file}, fed {@code queryInput} (e.g. {@code user_id}) and {@code candidateInput}
     * (e.g. {@code movie_title}).
     */
    public static OnnxRanker open(Path file, String queryInput, String candidateInput, BackendOptions options)
            throws IOException {
        OrtSession session = OrtSessions.from(options).open(OnnxModelFile.read(file).expect(OnnxModelKind.RANKING));
        var inputs = session.getInputNames();
        if (!inputs.equals(new java.util.LinkedHashSet<>(List.of(queryInput, candidateInput)))
                && !inputs.equals(new java.util.LinkedHashSet<>(List.of(candidateInput, queryInput)))) {
            OrtSessions.close(session);
            throw new IllegalArgumentException(file + " takes inputs " + inputs + "; a two-stage ranker feeds only '"
                    + queryInput + "' and '" + candidateInput + "'");
        }
        return new OnnxRanker(session, queryInput, candidateInput);
    }

    @Override
    public float[] scorePairs(String[] queries, String[] candidates) {
        int n = candidates.length;
        var env = OrtSessions.environment();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            feeds.put(queryInput, OnnxTensor.createTensor(env, queries));
            feeds.put(candidateInput, OnnxTensor.createTensor(env, candidates));
            try (OrtSession.Result r = session.run(feeds)) {
                float[][] out = (float[][]) r.get(output).orElseThrow().getValue();
                float[] scores = new float[n];
                for (int i = 0; i < n; i++) {
                    scores[i] = out[i][0];
                }
                return scores;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the ranking model: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        OrtSessions.close(session);
    }
}

package org.recsys4j.onnx;

import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.io.FormatException;
import org.recsys4j.model.Tower;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.CloseGuard;
import org.recsys4j.spi.Inference;

/**
 * A bundle's two towers as ONNX tower models in ONNX Runtime: exported in memory from a bundle
 * ({@link #fromBundle}), or opened from exported {@code .onnx} files ({@link #open}), which need
 * nothing else — the vocabulary is read from the model. Closing it closes both sessions.
 */
public final class OnnxInference implements Inference {
    private final OrtSessions sessions;
    private final OrtSession querySession;
    private final OrtSession candidateSession;
    private final OrtTower query;
    private final OrtTower candidate;
    private final CloseGuard guard = new CloseGuard("this ONNX Runtime inference");

    private OnnxInference(OnnxModelFile queryModel, OnnxModelFile candidateModel, OrtSessions sessions)
            throws OnnxFormatException {
        this.sessions = sessions;
        queryModel.expect(OnnxModelKind.QUERY_TOWER);
        candidateModel.expect(OnnxModelKind.CANDIDATE_TOWER);
        String q0 = queryModel.metadata().get(OnnxMetadata.MODEL_SHA256);
        String c0 = candidateModel.metadata().get(OnnxMetadata.MODEL_SHA256);
        if (q0 != null && c0 != null && !q0.equals(c0)) { // files of exports before this key pass unchecked
            throw new OnnxFormatException(candidateModel.file(), queryModel.origin() + " and " + candidateModel.origin()
                    + " were exported from different models (" + OnnxMetadata.MODEL_SHA256 + " " + q0 + " and " + c0
                    + "), so their embeddings do not match; open the two tower files of one export");
        }
        OrtSession q = null;
        OrtSession c = null;
        try {
            q = sessions.open(queryModel);
            c = sessions.open(candidateModel);
            query = tower("query", queryModel, q, guard);
            candidate = tower("candidate", candidateModel, c, guard);
            if (query.dimension() != candidate.dimension()) {
                throw new OnnxFormatException(queryModel.file(), queryModel.origin() + " gives " + query.dimension()
                        + "-dimensional embeddings but " + candidateModel.origin() + " gives " + candidate.dimension());
            }
        } catch (OnnxFormatException | RuntimeException e) {
            OrtSessions.close(c);
            OrtSessions.close(q);
            throw e;
        }
        querySession = q;
        candidateSession = c;
    }

    /** Exports the bundle's towers in memory and loads them; nothing is written to disk. */
    public static OnnxInference fromBundle(ModelBundle bundle, BackendOptions options) {
        try {
            return new OnnxInference(
                    OnnxModelFile.of(OnnxExport.towerModel(bundle, bundle.spec().query(), OnnxModelKind.QUERY_TOWER),
                            "the in-memory ONNX query tower"),
                    OnnxModelFile.of(OnnxExport.towerModel(bundle, bundle.spec().candidate(),
                            OnnxModelKind.CANDIDATE_TOWER), "the in-memory ONNX candidate tower"),
                    OrtSessions.from(options));
        } catch (FormatException e) {
            throw new UncheckedIOException(e); // a model we just built is broken: our bug, not the user's file
        }
    }

    /** Opens exported {@code query_tower.onnx} and {@code candidate_tower.onnx} files. */
    public static OnnxInference open(Path queryTower, Path candidateTower, BackendOptions options) throws IOException {
        return new OnnxInference(OnnxModelFile.read(queryTower), OnnxModelFile.read(candidateTower),
                OrtSessions.from(options));
    }

    /** Opens the tower files of an {@link OnnxExport#write} export. */
    public static OnnxInference open(OnnxFiles files, BackendOptions options) throws IOException {
        return open(files.queryTower(), files.candidateTower(), options);
    }

    /**
     * The tower as the file describes it: its id input and vocabulary, and its context inputs with
     * the vocabularies of their lookups (for an in-memory export, the bundle's own) and defaults.
     */
    private static OrtTower tower(String name, OnnxModelFile model, OrtSession session, CloseGuard guard)
            throws OnnxFormatException {
        return new OrtTower(name, model.feature(), model.dimension(), model.vocabulary(),
                model.contextInputDefaults(), session, guard);
    }

    @Override
    public Tower queryTower() {
        return query;
    }

    @Override
    public Tower candidateTower() {
        return candidate;
    }

    /** Where the sessions run, e.g. {@code CPU, 2 intra-op threads}. */
    public String placement() {
        return sessions.describe();
    }

    @Override
    public void close() {
        if (!guard.close()) {
            return;
        }
        try {
            OrtSessions.close(candidateSession);
        } finally {
            OrtSessions.close(querySession);
        }
    }
}

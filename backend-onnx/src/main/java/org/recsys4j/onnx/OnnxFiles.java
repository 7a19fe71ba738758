package org.recsys4j.onnx;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where {@link OnnxExport#write} put the three models. */
public record OnnxFiles(Path retrieval, Path queryTower, Path candidateTower) {
    /** The kinds of model a retrieval export writes (a ranking model is {@link OnnxRankingExport}'s). */
    public static final java.util.List<OnnxModelKind> KINDS = java.util.List.of(OnnxModelKind.RETRIEVAL,
            OnnxModelKind.QUERY_TOWER, OnnxModelKind.CANDIDATE_TOWER);

    /** The standard file names in {@code dir}. */
    public static OnnxFiles in(Path dir) {
        return new OnnxFiles(dir.resolve(OnnxModelKind.RETRIEVAL.fileName()),
                dir.resolve(OnnxModelKind.QUERY_TOWER.fileName()),
                dir.resolve(OnnxModelKind.CANDIDATE_TOWER.fileName()));
    }

    /** Kind id ({@code retrieval}, {@code query_tower}, {@code candidate_tower}) to absolute path, for reports. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(OnnxModelKind.RETRIEVAL.id(), retrieval.toAbsolutePath().toString());
        m.put(OnnxModelKind.QUERY_TOWER.id(), queryTower.toAbsolutePath().toString());
        m.put(OnnxModelKind.CANDIDATE_TOWER.id(), candidateTower.toAbsolutePath().toString());
        return m;
    }

    public Path get(OnnxModelKind kind) {
        return switch (kind) {
            case RETRIEVAL -> retrieval;
            case QUERY_TOWER -> queryTower;
            case CANDIDATE_TOWER -> candidateTower;
            case RANKING -> throw new IllegalArgumentException("a retrieval export has no ranking model; "
                    + OnnxRankingExport.class.getSimpleName() + " writes " + kind.fileName());
        };
    }
}

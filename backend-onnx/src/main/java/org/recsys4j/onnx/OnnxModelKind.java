package org.recsys4j.onnx;

import java.util.Locale;

/**
 * What an exported ONNX file computes, as recorded in its {@code recsys4j.model} metadata, so that
 * loading a file as the wrong kind fails with a message instead of odd shapes.
 */
public enum OnnxModelKind {
    /** Raw query ids in; the top k candidate identifiers and their scores out. */
    RETRIEVAL("retrieval.onnx"),
    /** Raw query ids in; query embeddings out. */
    QUERY_TOWER("query_tower.onnx"),
    /** Raw candidate ids in; candidate embeddings out. */
    CANDIDATE_TOWER("candidate_tower.onnx"),
    /** Raw values of the features a ranking task's towers read in; the task's prediction out. */
    RANKING("ranking.onnx");

    private final String fileName;

    OnnxModelKind(String fileName) {
        this.fileName = fileName;
    }

    /** The file name {@link OnnxExport#write} gives this kind. */
    public String fileName() {
        return fileName;
    }

    /** The metadata value, e.g. {@code query_tower}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static OnnxModelKind fromId(String id) {
        for (OnnxModelKind k : values()) {
            if (k.id().equals(id)) {
                return k;
            }
        }
        return null;
    }
}

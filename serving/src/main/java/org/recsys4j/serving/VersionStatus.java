package org.recsys4j.serving;

/**
 * One version's entry in TF Serving's {@code GetModelStatus} answer: its state ({@code START},
 * {@code LOADING}, {@code AVAILABLE}, {@code UNLOADING}, {@code END}) and status ({@code OK}, or
 * an error code with the reason a load failed).
 */
record VersionStatus(long version, String state, String errorCode, String errorMessage) {
    static VersionStatus loading(long version) {
        return new VersionStatus(version, "LOADING", "OK", "");
    }

    static VersionStatus available(long version) {
        return new VersionStatus(version, "AVAILABLE", "OK", "");
    }

    /** Unloaded after a newer version took over. */
    static VersionStatus ended(long version) {
        return new VersionStatus(version, "END", "OK", "");
    }

    /** Refused: the load failed, and the version serving before keeps serving. */
    static VersionStatus failed(long version, String reason) {
        return new VersionStatus(version, "END", "UNKNOWN", reason);
    }
}

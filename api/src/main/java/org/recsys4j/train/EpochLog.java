package org.recsys4j.train;

import java.util.Map;

/**
 * One epoch of training: its number (from 1), wall seconds, examples, and the logs TFRS reports
 * ({@code loss}, {@code regularization_loss}, {@code total_loss} of the last step, as TFRS's
 * History records them; {@code mean_loss} over the epoch's steps; the factorized top-K metrics
 * over the epoch when computed).
 */
public record EpochLog(int epoch, double seconds, int examples, Map<String, Double> logs) {
    public EpochLog {
        logs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(logs));
    }

    /** The log {@code key}; an error listing the keys if there is none. */
    public double get(String key) {
        Double v = logs.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no log '" + key + "'; logs are " + logs.keySet());
        }
        return v;
    }
}

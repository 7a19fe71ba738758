package org.recsys4j.train;

import java.util.Map;

/** Callbacks from {@link RetrievalModel#fit}: what a progress bar or a logger needs. */
public interface Progress {
    /** Before epoch {@code epoch} (from 1) of {@code epochs}, which has {@code steps} steps. */
    void epochStarted(int epoch, int epochs, int steps);

    /** After each step, with the step's losses (and metrics when computed). */
    void stepDone(int step, int examples, Map<String, Double> logs);

    /** After each epoch, with its log. */
    void epochDone(EpochLog log);

    /** Progress that reports nothing. */
    static Progress silent() {
        return new Progress() {
            @Override
            public void epochStarted(int epoch, int epochs, int steps) {
            }

            @Override
            public void stepDone(int step, int examples, Map<String, Double> logs) {
            }

            @Override
            public void epochDone(EpochLog log) {
            }
        };
    }
}

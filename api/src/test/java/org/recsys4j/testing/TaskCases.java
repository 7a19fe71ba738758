package org.recsys4j.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The conformance cases of every task, in one place: a backend that passes them trains and serves
 * every task. A new task (ranking, say) adds its cases to these lists; every backend's suite
 * ({@link BackendConformance}, {@link InferenceConformance}) then runs them.
 */
public final class TaskCases {
    private TaskCases() {
    }

    /** What every trainer must compute: losses, gradients, optimizer steps. */
    public static List<TrainingCase> training() {
        List<TrainingCase> all = new ArrayList<>(RetrievalCases.training());
        all.addAll(RankingCases.training());
        return all;
    }

    /** What every backend must serve from a saved bundle. */
    public static List<ServingCase> serving() {
        List<ServingCase> all = new ArrayList<>(RetrievalCases.serving());
        all.addAll(RankingCases.serving());
        return all;
    }
}

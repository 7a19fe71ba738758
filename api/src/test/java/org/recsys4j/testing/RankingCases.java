package org.recsys4j.testing;

import java.util.ArrayList;
import java.util.List;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.Adam;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;

/**
 * The Ranking task's conformance cases: each {@link RankingCase} (a multitask model with a low-rank
 * cross head, a ranking-only model with a full cross layer, binary cross-entropy, a ranking weight of
 * 0) with Keras Adagrad and Keras Adam, its loss, head outputs and two training steps against the
 * plain-Java references ({@code RankingHead}, {@code Ranking}, {@link HandRanking},
 * {@link HandOptimizer}); and the multitask ones saved, loaded and served ({@link RankingServingCase}).
 */
public final class RankingCases {
    private RankingCases() {
    }

    /** Every ranking case under Keras Adagrad and Keras Adam (gathered with the others by {@link TaskCases}). */
    public static List<TrainingCase> training() {
        List<TrainingCase> out = new ArrayList<>();
        for (RankingCase c : RankingCase.all(11)) {
            for (Optimizer optimizer : List.of(new Adagrad(0.1), new Adam(0.01))) {
                String name = "ranking: " + c.name() + ", " + (optimizer instanceof Adam ? "Adam" : "Adagrad");
                out.add(new TrainingCase() {
                    @Override
                    public String name() {
                        return name;
                    }

                    @Override
                    public void check(Backend backend, BackendOptions options) {
                        c.check(backend, optimizer, options);
                    }
                });
            }
        }
        return out;
    }

    /** The multitask cases (a Retrieval task beside the head) as every backend serves them. */
    public static List<ServingCase> serving() {
        List<ServingCase> out = new ArrayList<>();
        for (RankingCase c : RankingCase.all(13)) {
            if (c.spec().retrievalTask() != null) {
                out.add(new RankingServingCase(c));
            }
        }
        return out;
    }
}

package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.testing.RankingCase;

/**
 * A dense head's first layer on distinct rows: the examples ordered by row that its sorted segment
 * sum reads, and which heads take that way (the numbers are the conformance suite's).
 */
class DistinctRowsDenseTest {
    @Test
    void examplesAreOrderedByRowStably() {
        int[][] order = DistinctRowsDense.examplesByRow(new int[] {2, 0, 2, 1, 0});
        assertArrayEquals(new int[] {1, 4, 3, 0, 2}, order[0]);
        assertArrayEquals(new int[] {0, 0, 1, 2, 2}, order[1]);
    }

    @Test
    void aDenseHeadTrainsOnDistinctRowsAndACrossHeadDoesNot() {
        for (RankingCase c : RankingCase.all(11)) {
            boolean dense = RankingTaskGraph.onDistinctRows(c.spec().rankingTasks().get(0));
            try (var trainer = (TfTrainer) new TensorFlowBackend().trainer(c.spec(), c.vocabularies(), c.initial(),
                    new Adagrad(0.1), new BackendOptions(Map.of("trace", "true")))) {
                trainer.trainStep(c.batches().get(0));
                String ops = trainer.opTimesSummary();
                assertTrue(dense == ops.contains("[SparseSegmentSumWithNumSegments]"), c.name() + ": " + ops);
            }
        }
        assertFalse(RankingTaskGraph.onDistinctRows(RankingCase.all(11).get(0).spec().rankingTasks().get(0)));
    }
}

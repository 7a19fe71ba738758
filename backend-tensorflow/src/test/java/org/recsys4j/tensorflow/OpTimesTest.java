package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.StepResult;
import org.recsys4j.testing.RankingCase;

/** The trace option: traced steps train as untraced ones do, and the summary names the head's ops. */
class OpTimesTest {
    @Test
    void tracedStepsTrainAsUntracedOnesAndReportEachOp() {
        RankingCase c = RankingCase.all(11).get(2);
        TensorFlowBackend backend = new TensorFlowBackend();
        try (var traced = (TfTrainer) backend.trainer(c.spec(), c.vocabularies(), c.initial(), new Adagrad(0.1),
                new BackendOptions(Map.of("trace", "true")));
                var plain = (TfTrainer) backend.trainer(c.spec(), c.vocabularies(), c.initial(), new Adagrad(0.1),
                        new BackendOptions(Map.of()))) {
            for (int step = 0; step < 3; step++) {
                StepResult a = traced.trainStep(c.batches().get(step % 2));
                StepResult b = plain.trainStep(c.batches().get(step % 2));
                assertEquals(b.loss(), a.loss(), 1e-6);
            }
            assertNull(plain.opTimesSummary());
            String summary = traced.opTimesSummary();
            assertTrue(summary.startsWith("TensorFlow op times, median over 3 traced steps (microseconds):"), summary);
            assertTrue(summary.contains("MatMul") && summary.contains("ApplyAdagradV2"), summary);
            String[] lines = summary.strip().split("\n");
            assertTrue(lines[lines.length - 2].endsWith("(sum of the medians)"), summary);
            // the longest chain is part of the sum: at most the whole of it, and at least its largest op
            long sum = Long.parseLong(lines[lines.length - 2].strip().split(" ")[0]);
            long chain = Long.parseLong(lines[lines.length - 1].strip().split(" ")[0]);
            long largest = Long.parseLong(lines[1].strip().split(" ")[0]);
            assertTrue(chain <= sum && chain >= largest, summary);
            assertTrue(lines[lines.length - 1].contains("(the longest chain of ops through their inputs"), summary);
        }
    }

    @Test
    void theOpIsReadFromItsTimelineLabel() {
        assertEquals("_MklMatMul", OpTimes.op("rating/MatMul = _MklMatMul(rating/Concat, rating/Concat_1)"));
        assertEquals("NoOp", OpTimes.op("NoOp"));
    }

    @Test
    void theInputsAreReadFromTheTimelineLabel() {
        assertEquals(java.util.List.of("rating/Concat", "rating/Relu", "train"),
                OpTimes.inputs("rating/MatMul = _MklMatMul(rating/Concat, rating/Relu:1, ^train)"));
        assertEquals(java.util.List.of(), OpTimes.inputs("NoOp"));
        assertEquals(java.util.List.of(), OpTimes.inputs("c = Const()"));
    }
}

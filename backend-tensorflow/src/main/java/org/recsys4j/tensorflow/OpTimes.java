package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Per-op times of traced training steps (the backend option {@code trace}): each step runs with
 * TensorFlow's {@code FULL_TRACE}, and each op's time in it (start to end, in microseconds, as the
 * step stats record it) is kept; the summary gives each op's median over the steps, which a shared
 * machine's load disturbs less than a mean. Tracing slows the steps: their wall times are not the
 * untraced step's.
 */
final class OpTimes {
    static final RunOptions FULL_TRACE = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
            .build();
    /** Microseconds per step, by "node [op]". */
    private final Map<String, List<Long>> byNode = new TreeMap<>();
    private int steps;

    synchronized void add(RunMetadata metadata) {
        steps++;
        for (DeviceStepStats d : metadata.getStepStats().getDevStatsList()) {
            for (NodeExecStats n : d.getNodeStatsList()) {
                byNode.computeIfAbsent(n.getNodeName() + " [" + op(n.getTimelineLabel()) + "]",
                        k -> new ArrayList<>()).add(n.getAllEndRelMicros());
            }
        }
    }

    /** The op type in a timeline label such as {@code "rating/MatMul = _MklMatMul(a, b)"}. */
    static String op(String label) {
        int eq = label.indexOf("= ");
        String op = eq < 0 ? label : label.substring(eq + 2);
        int paren = op.indexOf('(');
        return paren < 0 ? op : op.substring(0, paren);
    }

    /** Each op's median time per step, largest first, and their sum. */
    synchronized String summary() {
        Map<String, Long> medians = new TreeMap<>();
        byNode.forEach((node, times) -> {
            List<Long> sorted = new ArrayList<>(times);
            Collections.sort(sorted);
            medians.put(node, sorted.get(sorted.size() / 2));
        });
        List<Map.Entry<String, Long>> largest = new ArrayList<>(medians.entrySet());
        largest.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "TensorFlow op times, median over %d traced steps (microseconds):%n", steps));
        long total = 0;
        for (var e : largest) {
            total += e.getValue();
            out.append(String.format(Locale.ROOT, "%9d  %s%n", e.getValue(), e.getKey()));
        }
        return out.append(String.format(Locale.ROOT, "%9d  (sum of the medians)%n", total)).toString();
    }
}

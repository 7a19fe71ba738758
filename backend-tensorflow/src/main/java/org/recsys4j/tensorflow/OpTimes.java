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
 * machine's load disturbs less than a mean, their sum, and the longest chain of ops through their
 * inputs (the sum over it says how many cores the step's ops could keep busy). Tracing slows the
 * steps: their wall times are not the untraced step's.
 */
final class OpTimes {
    static final RunOptions FULL_TRACE = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
            .build();
    /** Microseconds per step, by "node [op]". */
    private final Map<String, List<Long>> byNode = new TreeMap<>();
    /** Each node's inputs (data and control) among the traced nodes, by node name. */
    private final Map<String, List<String>> inputs = new java.util.HashMap<>();
    /** Microseconds per step, by node name. */
    private final Map<String, List<Long>> byName = new java.util.HashMap<>();
    private int steps;

    synchronized void add(RunMetadata metadata) {
        steps++;
        for (DeviceStepStats d : metadata.getStepStats().getDevStatsList()) {
            for (NodeExecStats n : d.getNodeStatsList()) {
                byNode.computeIfAbsent(n.getNodeName() + " [" + op(n.getTimelineLabel()) + "]",
                        k -> new ArrayList<>()).add(n.getAllEndRelMicros());
                byName.computeIfAbsent(n.getNodeName(), k -> new ArrayList<>()).add(n.getAllEndRelMicros());
                inputs.computeIfAbsent(n.getNodeName(), k -> inputs(n.getTimelineLabel()));
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

    /** The node names in a label's argument list, {@code "x = Op(a, b:1, ^c)"}: a, b and c. */
    static List<String> inputs(String label) {
        int open = label.indexOf('(');
        int close = label.lastIndexOf(')');
        List<String> out = new ArrayList<>();
        if (open < 0 || close <= open + 1) {
            return out;
        }
        for (String a : label.substring(open + 1, close).split(",")) {
            String name = a.trim();
            name = name.startsWith("^") ? name.substring(1) : name;
            int colon = name.lastIndexOf(':');
            out.add(colon < 0 ? name : name.substring(0, colon));
        }
        return out;
    }

    private static long median(List<Long> times) {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /**
     * The longest chain of ops, by their median times, through the traced nodes' inputs: the
     * least time a step could take on any number of cores, were there no time between ops.
     */
    private long criticalPath(Map<String, Long> finish, String node, java.util.Set<String> visiting) {
        Long done = finish.get(node);
        if (done != null) {
            return done;
        }
        long start = 0;
        visiting.add(node);
        for (String in : inputs.getOrDefault(node, List.of())) {
            if (byName.containsKey(in) && !visiting.contains(in)) {
                start = Math.max(start, criticalPath(finish, in, visiting));
            }
        }
        visiting.remove(node);
        long end = start + median(byName.get(node));
        finish.put(node, end);
        return end;
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
        Map<String, Long> finish = new java.util.HashMap<>();
        long path = 0;
        for (String node : byName.keySet()) {
            path = Math.max(path, criticalPath(finish, node, new java.util.HashSet<>()));
        }
        return out.append(String.format(Locale.ROOT, "%9d  (sum of the medians)%n%9d  (the longest chain of ops through"
                + " their inputs, by the medians; the sum over it: %.2f)%n", total, path, (double) total / path))
                .toString();
    }
}

package org.recsys4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The ranking step against its floor in one process, interleaved, so that both see the same load
 * on a shared machine: rounds of a few training steps, then as many runs of the head's dense
 * products alone ({@link RankingStepState}), each round's times per operation, and the median of
 * the rounds' ratios. The goal: a step within 1.5 times its floor on the faster trainer. Beside
 * the wall times, the process's CPU time per step and per floor (means over the rounds): the work
 * each does, which a shared machine's load disturbs less than their wall times.
 *
 * <pre>
 * java -cp ... org.recsys4j.benchmarks.RankingFloorCheck tensorflow 30
 * </pre>
 */
public final class RankingFloorCheck {
    private RankingFloorCheck() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "tensorflow";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int perRound = 5;
        RankingStepState state = new RankingStepState();
        state.backend = backend;
        state.batchSize = 8192;
        state.setUp();
        try {
            for (int i = 0; i < 20; i++) {
                state.step();
                state.floor();
            }
            double[] steps = new double[rounds];
            double[] floors = new double[rounds];
            double[] ratios = new double[rounds];
            double[] stepCpu = new double[rounds];
            double[] floorCpu = new double[rounds];
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            for (int r = 0; r < rounds; r++) {
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    state.step();
                }
                long t1 = System.nanoTime();
                long c1 = os.getProcessCpuTime();
                for (int i = 0; i < perRound; i++) {
                    state.floor();
                }
                long t2 = System.nanoTime();
                long c2 = os.getProcessCpuTime();
                stepCpu[r] = (c1 - c0) / 1e6 / perRound;
                floorCpu[r] = (c2 - c1) / 1e6 / perRound;
                steps[r] = (t1 - t0) / 1e6 / perRound;
                floors[r] = (t2 - t1) / 1e6 / perRound;
                ratios[r] = steps[r] / floors[r];
            }
            System.out.printf(Locale.ROOT, "%s, batch 8192, %d rounds of %d: step %.2f ms, floor %.2f ms (medians);"
                    + " median ratio %.2f (quartiles %.2f-%.2f); CPU time per step %.2f ms, per floor %.2f ms (means);"
                    + " load average at start %s, at end %s%n", backend,
                    rounds, perRound, median(steps), median(floors), median(ratios), quantile(ratios, 0.25),
                    quantile(ratios, 0.75), mean(stepCpu), mean(floorCpu),
                    load, Files.readString(Path.of("/proc/loadavg")).trim());
        } finally {
            state.tearDown();
        }
    }

    private static double mean(double[] x) {
        return Arrays.stream(x).average().orElse(Double.NaN);
    }

    private static double median(double[] x) {
        return quantile(x, 0.5);
    }

    private static double quantile(double[] x, double q) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[(int) Math.round(q * (s.length - 1))];
    }
}

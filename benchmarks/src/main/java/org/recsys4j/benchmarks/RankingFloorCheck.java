package org.recsys4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The ranking step against its floor in one process, interleaved, so that both see the same load
 * on a shared machine: rounds of a few training steps, then as many runs of the head's dense
 * products alone ({@link RankingStepState}) in each of the floor's ways, each round's times per
 * operation, and the median of the rounds' ratios. A round's floor is its fastest way: the
 * TensorFlow trainer's products with the whole batch or in row chunks, each with TensorFlow's
 * default threads and with one intra-op thread per op ({@link RankingStepState#floorWays}), every
 * way's median printed. The goal: a step within 1.5 times its floor on the faster trainer. Beside
 * the wall times, the process's CPU time per step and per floor (means over the rounds; the floor's
 * of its fastest way by median): the work each does, which a shared machine's load disturbs less
 * than their wall times.
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
        if (backend.equals("tensorflow") && !TfCollapsedFloor.ownIntraOpPools()) {
            System.err.println("warning: TF_OVERRIDE_GLOBAL_THREADPOOL is not true, so every way of the floor runs on"
                    + " the trainer's intra-op pool (TensorFlow sizes one for the process from its first session);"
                    + " export TF_OVERRIDE_GLOBAL_THREADPOOL=true for a floor on the threads each way names");
        }
        RankingStepState state = new RankingStepState();
        state.backend = backend;
        state.batchSize = 8192;
        state.setUp();
        try {
            List<String> ways = new ArrayList<>(state.floorWays());
            if (ways.isEmpty()) {
                ways.add("OpenBLAS, one thread");
            }
            Runnable[] floors = new Runnable[ways.size()];
            for (int w = 0; w < floors.length; w++) {
                String way = ways.get(w);
                floors[w] = state.floorWays().isEmpty() ? state::floor : () -> state.floor(way);
            }
            for (int i = 0; i < 20; i++) {
                state.step();
                for (Runnable f : floors) {
                    f.run();
                }
            }
            double[] steps = new double[rounds];
            double[] floorTimes = new double[rounds];
            double[] ratios = new double[rounds];
            double[] stepCpu = new double[rounds];
            double[][] wayTimes = new double[floors.length][rounds];
            double[][] wayCpu = new double[floors.length][rounds];
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            for (int r = 0; r < rounds; r++) {
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    state.step();
                }
                steps[r] = (System.nanoTime() - t0) / 1e6 / perRound;
                stepCpu[r] = (os.getProcessCpuTime() - c0) / 1e6 / perRound;
                floorTimes[r] = Double.MAX_VALUE;
                for (int w = 0; w < floors.length; w++) {
                    long c1 = os.getProcessCpuTime();
                    long t1 = System.nanoTime();
                    for (int i = 0; i < perRound; i++) {
                        floors[w].run();
                    }
                    wayTimes[w][r] = (System.nanoTime() - t1) / 1e6 / perRound;
                    wayCpu[w][r] = (os.getProcessCpuTime() - c1) / 1e6 / perRound;
                    floorTimes[r] = Math.min(floorTimes[r], wayTimes[w][r]);
                }
                ratios[r] = steps[r] / floorTimes[r];
            }
            int fastest = 0;
            for (int w = 0; w < floors.length; w++) {
                System.out.printf(Locale.ROOT, "floor way %s: %.2f ms (median), CPU %.2f ms (mean)%n", ways.get(w),
                        median(wayTimes[w]), mean(wayCpu[w]));
                if (median(wayTimes[w]) < median(wayTimes[fastest])) {
                    fastest = w;
                }
            }
            System.out.printf(Locale.ROOT, "%s, batch 8192, %d rounds of %d: step %.2f ms, floor %.2f ms (medians;"
                    + " a round's floor is its fastest way; by median: %s);"
                    + " median ratio %.2f (quartiles %.2f-%.2f); CPU time per step %.2f ms, per floor %.2f ms (means);"
                    + " load average at start %s, at end %s%n", backend,
                    rounds, perRound, median(steps), median(floorTimes), ways.get(fastest), median(ratios),
                    quantile(ratios, 0.25), quantile(ratios, 0.75), mean(stepCpu), mean(wayCpu[fastest]),
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

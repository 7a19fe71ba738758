package org.recsys4j.tensorflow;

import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.TextValues;
import org.tensorflow.DeviceSpec;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;

/**
 * Turns backend options into TensorFlow settings: {@code threads} (intra- and inter-op pools),
 * {@code xla} (global JIT, level ON_1), {@code device} ({@code /CPU:0}, {@code /GPU:0},
 * {@code /TPU:0}) and {@code ranking_chunks} (how many chunks a ranking head cuts the batch into,
 * {@link RowChunks}; 0: one per core in a model of ranking heads alone, else one).
 */
record SessionConfig(int threads, boolean xla, TextValues.Device device, int rankingChunks) {
    static SessionConfig from(TensorFlowBackend backend, BackendOptions options) {
        return new SessionConfig(options.count(backend, TensorFlowBackend.THREADS),
                options.flag(backend, TensorFlowBackend.XLA), options.device(backend, TensorFlowBackend.DEVICE),
                options.count(backend, TensorFlowBackend.RANKING_CHUNKS));
    }

    /**
     * The chunks a ranking head cuts the batch into: as set, else one per core in a model of ranking
     * heads alone on the CPU, and one beside a Retrieval task (whose own ops run beside the head's
     * already) or on an accelerator (whose kernels each take the whole device).
     */
    int chunks(boolean rankingOnly) {
        if (rankingChunks > 0) {
            return rankingChunks;
        }
        boolean cpu = device == null || device.type().equals("CPU");
        return rankingOnly && cpu ? Runtime.getRuntime().availableProcessors() : 1;
    }

    ConfigProto proto() {
        return proto(false);
    }

    /**
     * @param rankingOnly a training graph of ranking heads alone, cut into {@link #chunks} chunks: unless
     *     {@code threads} is set, each op runs on {@code cores / chunks} intra-op threads (one, when
     *     there are as many chunks as cores) and the inter-op pool has a thread per core, so that the
     *     chunks' chains run side by side, each on its own core, with no intra-op hand-offs between
     *     their many small ops
     */
    ConfigProto proto(boolean rankingOnly) {
        ConfigProto.Builder b = ConfigProto.newBuilder().setAllowSoftPlacement(device == null);
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads > 0) {
            b.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(threads);
        } else if (rankingOnly && chunks(true) > 1) {
            b.setIntraOpParallelismThreads(Math.max(1, cores / chunks(true))).setInterOpParallelismThreads(cores);
        }
        if (xla) {
            b.setGraphOptions(GraphOptions.newBuilder().setOptimizerOptions(
                    OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1)));
        }
        return b.build();
    }

    /** The device to place the graph on, or null to let TensorFlow choose. */
    DeviceSpec deviceSpec() {
        if (device == null) {
            return null;
        }
        DeviceSpec.DeviceType type;
        try {
            type = DeviceSpec.DeviceType.valueOf(device.type());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("backend option device of tensorflow: TensorFlow runs on CPU, GPU or"
                    + " TPU devices, not " + device);
        }
        return DeviceSpec.newBuilder().deviceType(type).deviceIndex(device.index()).build();
    }

    /** TensorFlow reads TF_XLA_FLAGS once, when it loads; on CPU, XLA needs it set before that. */
    static String xlaWarning() {
        String flags = System.getenv("TF_XLA_FLAGS");
        if (flags == null || !flags.contains("--tf_xla_cpu_global_jit")) {
            return "XLA on CPU also needs TF_XLA_FLAGS=--tf_xla_cpu_global_jit in the environment before the JVM"
                    + " starts (the recsys4j launcher sets it for --xla); without it XLA only compiles for GPUs";
        }
        return null;
    }

    @Override
    public String toString() {
        return (device == null ? "default device" : device.toString()) + (xla ? ", XLA" : "")
                + (threads > 0 ? ", " + threads + " threads" : "") + (rankingChunks > 0 ? ", " + rankingChunks
                + " ranking chunks" : "");
    }
}

package org.recsys4j.tensorflow;

import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.TextValues;
import org.tensorflow.DeviceSpec;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;

/**
 * Turns backend options into TensorFlow settings: {@code threads} (intra- and inter-op pools),
 * {@code xla} (global JIT, level ON_1) and {@code device} ({@code /CPU:0}, {@code /GPU:0},
 * {@code /TPU:0}).
 */
record SessionConfig(int threads, boolean xla, TextValues.Device device) {
    static SessionConfig from(TensorFlowBackend backend, BackendOptions options) {
        return new SessionConfig(options.count(backend, TensorFlowBackend.THREADS),
                options.flag(backend, TensorFlowBackend.XLA), options.device(backend, TensorFlowBackend.DEVICE));
    }

    ConfigProto proto() {
        ConfigProto.Builder b = ConfigProto.newBuilder().setAllowSoftPlacement(device == null);
        if (threads > 0) {
            b.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(threads);
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
                + (threads > 0 ? ", " + threads + " threads" : "");
    }
}

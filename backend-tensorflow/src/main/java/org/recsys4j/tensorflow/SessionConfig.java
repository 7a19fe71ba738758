package org.recsys4j.tensorflow;

import org.recsys4j.spi.BackendOptions;
import org.tensorflow.DeviceSpec;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;

/**
 * Turns backend options into TensorFlow settings: {@code threads} (intra- and inter-op pools),
 * {@code xla} (global JIT, level ON_1) and {@code device} ({@code /CPU:0}, {@code /GPU:0},
 * {@code /TPU:0}).
 */
record SessionConfig(int threads, boolean xla, String device) {
    static SessionConfig from(BackendOptions options) {
        return new SessionConfig(options.intValue("threads", 0), options.flag("xla"), options.get("device", ""));
    }

    ConfigProto proto() {
        ConfigProto.Builder b = ConfigProto.newBuilder().setAllowSoftPlacement(device.isEmpty());
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
        if (device.isEmpty()) {
            return null;
        }
        String d = device.startsWith("/") ? device.substring(1) : device;
        if (d.startsWith("device:")) {
            d = d.substring("device:".length());
        }
        String[] parts = d.split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException("device must look like /CPU:0, /GPU:0 or /TPU:0, got '" + device + "'");
        }
        DeviceSpec.DeviceType type;
        try {
            type = DeviceSpec.DeviceType.valueOf(parts[0].toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown device type '" + parts[0] + "' in '" + device + "'");
        }
        int index;
        try {
            index = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device index must be a number in '" + device + "'");
        }
        return DeviceSpec.newBuilder().deviceType(type).deviceIndex(index).build();
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
        return (device.isEmpty() ? "default device" : device) + (xla ? ", XLA" : "")
                + (threads > 0 ? ", " + threads + " threads" : "");
    }
}

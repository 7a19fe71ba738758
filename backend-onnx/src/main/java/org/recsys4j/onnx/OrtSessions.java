package org.recsys4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.TextValues;

/**
 * Opens ONNX Runtime sessions as the backend options ask:
 *
 * <ul>
 *   <li>{@code threads}: the intra-op pool (ONNX Runtime's default is one thread per core).
 *   <li>{@code device}: unset, the CUDA execution provider when the ONNX Runtime on the class path
 *       has it ({@code com.microsoft.onnxruntime:onnxruntime_gpu}) and a GPU answers, else the CPU;
 *       {@code /CPU:0} the CPU only; {@code /GPU:n} (or {@code cuda:n}) CUDA device n, and an error
 *       when it cannot be had.
 * </ul>
 *
 * <p>Options objects are native and closed as soon as the session exists (ONNX Runtime copies them).
 */
final class OrtSessions {
    private enum Placement { AUTO, CPU, CUDA }

    private final int threads;
    private final Placement placement;
    private final int deviceId;
    private volatile String provider = "not opened yet";

    private OrtSessions(int threads, Placement placement, int deviceId) {
        this.threads = threads;
        this.placement = placement;
        this.deviceId = deviceId;
    }

    /** The sessions the options ask for, once they are checked against the onnx backend's keys. */
    static OrtSessions from(BackendOptions options) {
        OnnxBackend backend = new OnnxBackend();
        options.validate(backend);
        int threads = options.count(backend, OnnxBackend.THREADS);
        TextValues.Device device = options.device(backend, OnnxBackend.DEVICE);
        if (device == null) {
            return new OrtSessions(threads, Placement.AUTO, 0);
        }
        return switch (device.type()) {
            case "CPU" -> new OrtSessions(threads, Placement.CPU, 0);
            case "GPU", "CUDA" -> new OrtSessions(threads, Placement.CUDA, device.index());
            default -> throw new IllegalArgumentException("backend option device of onnx: ONNX Runtime runs on /CPU:0"
                    + " or /GPU:n (CUDA), not " + device);
        };
    }

    static OrtEnvironment environment() {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtTemporaryFiles.removeAtExit();
        return env;
    }

    /**
     * A session for {@code model} (with its context inputs' defaults taken out, see
     * {@link OnnxModelFile#sessionBytes}); a model ONNX Runtime rejects gives an error naming its origin.
     */
    OrtSession open(OnnxModelFile model) throws OnnxFormatException {
        return open(model.sessionBytes(), model.origin(), model.file());
    }

    /** A session for a serialized model; {@code origin} names it in errors, {@code file} (may be null) too. */
    OrtSession open(byte[] model, String origin, Path file) throws OnnxFormatException {
        boolean cudaBuilt = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        if (placement == Placement.CUDA && !cudaBuilt) {
            throw new IllegalStateException("device /GPU:" + deviceId + " needs the CUDA build of ONNX Runtime"
                    + " (com.microsoft.onnxruntime:onnxruntime_gpu) on the class path; this one offers "
                    + OrtEnvironment.getAvailableProviders());
        }
        if (placement == Placement.CUDA || (placement == Placement.AUTO && cudaBuilt)) {
            try {
                OrtSession s = create(model, true);
                provider = "CUDA:" + deviceId;
                return s;
            } catch (OrtException e) {
                if (placement == Placement.CUDA) {
                    throw new IllegalStateException("ONNX Runtime could not run " + origin + " on CUDA device "
                            + deviceId + ": " + e.getMessage(), e);
                }
                // The GPU build without a usable GPU (no driver, no device): the CPU serves.
                System.err.println("recsys4j: the CUDA execution provider is unavailable (" + e.getMessage()
                        + "); running ONNX models on the CPU");
            }
        }
        try {
            OrtSession s = create(model, false);
            provider = "CPU";
            return s;
        } catch (OrtException e) {
            throw new OnnxFormatException(file, origin + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
    }

    private OrtSession create(byte[] model, boolean cuda) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            if (cuda) {
                options.addCUDA(deviceId);
            }
            return environment().createSession(model, options);
        }
    }

    /** Where the last session runs, e.g. {@code CPU, 2 threads}. */
    String describe() {
        return provider + (threads > 0 ? ", " + threads + " intra-op threads" : "");
    }

    static void close(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to close a session: " + e.getMessage(), e);
        }
    }
}

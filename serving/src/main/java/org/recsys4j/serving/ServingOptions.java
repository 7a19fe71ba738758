package org.recsys4j.serving;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@code recsys4j serve} runs.
 *
 * @param modelDir the directory of numbered versions, {@code DIR/<n>/} a bundle each
 * @param name the model's name in URLs ({@code /v1/models/NAME})
 * @param host the address to bind; loopback unless told otherwise
 * @param port the port (0: any free one)
 * @param pollSeconds how often to look for a new version (0: never)
 * @param seenFile the seen items to use instead of each version's own, or null
 * @param predictK results per query of {@code :predict}, as an exported signature fixes its k
 * @param defaultK results of {@code :recommend} and {@code :similar} when the request gives no k
 * @param maxK the largest k a request may ask for
 * @param maxBatch the most queries one {@code :predict} may carry
 * @param maxExclude the most ids one {@code exclude} list may carry
 * @param maxBodyBytes the largest request body accepted
 */
public record ServingOptions(Path modelDir, String name, String host, int port, double pollSeconds, Path seenFile,
        int predictK, int defaultK, int maxK, int maxBatch, int maxExclude, long maxBodyBytes) {
    public static final String DEFAULT_NAME = "retrieval";

    public ServingOptions {
        Objects.requireNonNull(modelDir, "modelDir");
        Objects.requireNonNull(host, "host");
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,128}")) {
            throw new IllegalArgumentException("--name must be 1 to 128 letters, digits, '_', '.' or '-', got " + name);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be from 0 to 65535, got " + port);
        }
        if (!(pollSeconds >= 0)) {
            throw new IllegalArgumentException("--poll-seconds must be 0 (never) or more, got " + pollSeconds);
        }
        if (maxK < 1 || predictK < 1 || predictK > maxK || defaultK < 1 || defaultK > maxK) {
            throw new IllegalArgumentException("k settings must satisfy 1 <= predict k, default k <= max k (" + predictK
                    + ", " + defaultK + ", " + maxK + ")");
        }
        if (maxBatch < 1 || maxExclude < 0 || maxBodyBytes < 1024) {
            throw new IllegalArgumentException("bounds must be positive (batch " + maxBatch + ", exclude " + maxExclude
                    + ", body " + maxBodyBytes + " bytes, at least 1024)");
        }
    }

    /** The defaults: loopback, port 8501 (TF Serving's REST port), a poll a second, k 10, bounded requests. */
    public static ServingOptions defaults(Path modelDir) {
        return new ServingOptions(modelDir, DEFAULT_NAME, "127.0.0.1", 8501, 1.0, null, 10, 10, 1000, 1000, 10_000,
                1 << 20);
    }

    public ServingOptions withPort(int p) {
        return new ServingOptions(modelDir, name, host, p, pollSeconds, seenFile, predictK, defaultK, maxK, maxBatch,
                maxExclude, maxBodyBytes);
    }

    public ServingOptions withSeenFile(Path file) {
        return new ServingOptions(modelDir, name, host, port, pollSeconds, file, predictK, defaultK, maxK, maxBatch,
                maxExclude, maxBodyBytes);
    }

    public ServingOptions withPollSeconds(double s) {
        return new ServingOptions(modelDir, name, host, port, s, seenFile, predictK, defaultK, maxK, maxBatch,
                maxExclude, maxBodyBytes);
    }
}

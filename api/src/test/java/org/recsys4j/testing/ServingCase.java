package org.recsys4j.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;

/**
 * One model of one task as every backend must serve it: the bundle saved with {@code BundleIO},
 * loaded back, and run by {@code backend.inference}. {@link InferenceConformance} runs every case
 * of {@link TaskCases#serving()}; a new task adds its cases there.
 */
public interface ServingCase {
    /** What the case holds, e.g. {@code retrieval: dense layers, every activation}. */
    String name();

    /** The bundle as it starts, saved into {@code dir} and loaded: inference gives the Java reference's output. */
    void checkInference(Backend backend, BackendOptions options, Path dir) throws IOException;

    /**
     * A few training steps on {@code backend}, the trained bundle saved into {@code dir} and loaded:
     * inference gives what the trainer's own towers give.
     */
    void checkTrainedInference(Backend backend, BackendOptions options, Path dir) throws IOException;
}

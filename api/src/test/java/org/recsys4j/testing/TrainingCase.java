package org.recsys4j.testing;

import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;

/**
 * One thing every training backend must get right for one task, checked against that task's
 * plain-Java reference: a fresh trainer of the backend under given options, a few steps, and
 * assertions. {@link BackendConformance} runs every case of {@link TaskCases#training()} under each
 * of a backend's option sets; a new task adds its cases there.
 */
public interface TrainingCase {
    /** What the case checks, e.g. {@code retrieval: logQ}. */
    String name();

    /** Runs the case on a trainer of {@code backend}; fails by assertion, naming the case and options. */
    void check(Backend backend, BackendOptions options);
}

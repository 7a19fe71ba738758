package org.recsys4j.spi;

import org.recsys4j.model.Tower;

/** A trained bundle loaded into a backend's runtime; closing it frees the native memory. */
public interface Inference extends AutoCloseable {
    /** The query tower at the bundle's weights, running in this backend. */
    Tower queryTower();

    /** The candidate tower at the bundle's weights, running in this backend. */
    Tower candidateTower();

    @Override
    void close();
}

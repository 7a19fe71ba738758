/**
 * Indexes over candidate embeddings, TFRS's {@code BruteForce} and {@code ScaNN}: identifiers and
 * embeddings in, top-K identifiers and scores out for a query embedding or raw query features; the ScaNN
 * index (k-means leaves, product quantisation, exact reordering) can be saved inside a bundle.
 */
package org.recsys4j.index;

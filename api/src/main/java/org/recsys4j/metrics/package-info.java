/**
 * Metrics, with TFRS's names: {@link org.recsys4j.metrics.FactorizedTopK} (is the true candidate among
 * the top K of all candidates) and the served view that leaves a user's training items out.
 */
package org.recsys4j.metrics;

/**
 * Metrics, with TFRS's names: {@link org.recsys4j.metrics.FactorizedTopK} (is the true candidate among
 * the top K of all candidates) and the served view that leaves a user's training items out; and the
 * per-user ranking metrics of Spark's {@code RankingMetrics} (recall, precision, NDCG, MAP at K) with
 * catalog coverage, computed by {@link org.recsys4j.metrics.RankingEvaluation}.
 */
package org.recsys4j.metrics;

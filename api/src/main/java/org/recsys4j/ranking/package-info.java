/**
 * The second stage: a {@link org.recsys4j.ranking.Ranker} scores a query's candidates with a ranking
 * model's head, and {@link org.recsys4j.ranking.TwoStageRecommender} puts it after a retrieval
 * index. A service calls the same object a command line does.
 */
package org.recsys4j.ranking;

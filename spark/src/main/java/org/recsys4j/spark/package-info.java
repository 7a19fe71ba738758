/**
 * recsys4j on Spark ML: the {@code TwoTowerRetrieval} estimator trains from a DataFrame (vocabularies
 * and counts on the cluster, training on the driver), and its model scores on the executors.
 */
package org.recsys4j.spark;

/**
 * Recommenders without a model, evaluated under the same split and metrics as a trained one, so that
 * every reported figure has a floor to beat: {@link org.recsys4j.baseline.PopularityBaseline} recommends
 * the most-rated candidates to everyone.
 */
package org.recsys4j.baseline;

/**
 * Vocabularies and bucketing, as Keras preprocessing layers name them: {@link org.recsys4j.vocab.StringLookup}
 * (one out-of-vocabulary slot) and {@link org.recsys4j.vocab.Discretization}.
 */
package org.recsys4j.vocab;

/**
 * Synthetic interaction logs with a known answer: users, items and timestamps drawn from a
 * latent-topic ground truth with Zipf-like popularity and activity, so that a model can learn
 * something and the best possible score is known ({@link org.recsys4j.synth.SyntheticInteractions}).
 */
package org.recsys4j.synth;

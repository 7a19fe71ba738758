/**
 * The training loop that users call, as TFRS's Keras model gives it: {@code fit}, {@code evaluate},
 * epoch logs and a progress bar, over whichever backend trains.
 */
package org.recsys4j.train;

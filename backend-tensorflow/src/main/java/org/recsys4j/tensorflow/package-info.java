/**
 * The TensorFlow backend: trains and runs model specs as TensorFlow Java graphs (XLA and device
 * placement for GPU and TPU) and exports SavedModels for TensorFlow Serving. Found by the name
 * {@code tensorflow}.
 */
package org.recsys4j.tensorflow;

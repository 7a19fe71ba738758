/**
 * Backend-neutral model pieces: weights as named float tensors, embeddings, and towers
 * ({@link org.recsys4j.model.Tower}) with a plain-Java implementation that every backend is checked
 * against and that serves without a native runtime.
 */
package org.recsys4j.model;

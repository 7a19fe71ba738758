/**
 * Benchmarks that print figures: JMH benchmarks of the training step, metrics, indexes and ONNX
 * serving, and the backend comparison behind the README's speed table.
 */
package org.recsys4j.benchmarks;

/**
 * The ONNX backend: writes bundles as ONNX models (towers and a retrieval model with its candidates)
 * and serves them with ONNX Runtime. Inference only; found by the name {@code onnx}.
 */
package org.recsys4j.onnx;

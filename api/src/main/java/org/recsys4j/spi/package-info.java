/**
 * The backend SPI: what a compute backend implements ({@link org.recsys4j.spi.Backend}, its
 * {@link org.recsys4j.spi.Trainer} and {@link org.recsys4j.spi.Inference}) and how one is found by name
 * through {@link java.util.ServiceLoader} ({@link org.recsys4j.spi.Backends}).
 */
package org.recsys4j.spi;

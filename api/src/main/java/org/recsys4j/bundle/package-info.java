/**
 * The model bundle: what training produces and everything downstream reads. A directory with
 * {@code model.json} (specs, vocabularies, training config, provenance) and the weights as safetensors,
 * written atomically and validated on load ({@link org.recsys4j.bundle.BundleIO},
 * {@link org.recsys4j.bundle.ModelBundle}).
 */
package org.recsys4j.bundle;

/**
 * Serving probes that need the serving layer's package-private parts: the same request handling
 * behind another HTTP library, to compare libraries (the serving layer itself is the
 * {@code serving} module's package of this name).
 */
package org.recsys4j.serving;

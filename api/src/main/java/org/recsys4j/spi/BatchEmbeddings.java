package org.recsys4j.spi;

import org.recsys4j.model.Embeddings;

/** The forward pass of a batch: its query embeddings and its positive candidates' embeddings. */
public record BatchEmbeddings(Embeddings queries, Embeddings positives) {
}

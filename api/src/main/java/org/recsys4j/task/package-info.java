/**
 * Tasks turn a batch's tower outputs into a loss and feed the metrics: the
 * {@link org.recsys4j.task.Retrieval} task (TFRS's in-batch softmax) and its reference semantics, which
 * the backends' trainers are tested against.
 */
package org.recsys4j.task;

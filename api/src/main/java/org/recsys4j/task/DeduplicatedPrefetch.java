package org.recsys4j.task;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.recsys4j.spi.FeatureBatch;

/**
 * The next step's batch collapsed ({@link DeduplicatedBatch}) on a thread of its own while a
 * trainer runs the current step, as {@code tf.data}'s {@code prefetch} prepares Keras's next batch
 * ({@code Trainer.prefetch} says which batch is next). At 100k interactions the collapse took about
 * 1 ms of the TensorFlow trainer's 13 ms step, time in which its threads waited. One batch ahead,
 * no more; a step on any other batch collapses its own.
 */
public final class DeduplicatedPrefetch implements AutoCloseable {
    private final Function<FeatureBatch, DeduplicatedBatch> collapse;
    private ExecutorService thread;
    private FeatureBatch pending;
    private Future<DeduplicatedBatch> result;

    /** @param collapse how a trainer collapses a batch: run here for the pending batch, in place for others */
    public DeduplicatedPrefetch(Function<FeatureBatch, DeduplicatedBatch> collapse) {
        this.collapse = collapse;
    }

    /** Starts collapsing {@code next}, in place of what was pending. */
    public void submit(FeatureBatch next) {
        if (thread == null) {
            thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "recsys4j-prefetch");
                t.setDaemon(true);
                return t;
            });
        }
        pending = next;
        result = thread.submit(() -> collapse.apply(next));
    }

    /** {@code batch} collapsed: the prefetched result when it is the pending batch, else collapsed here. */
    public DeduplicatedBatch take(FeatureBatch batch) {
        if (batch != pending) {
            return collapse.apply(batch);
        }
        Future<DeduplicatedBatch> f = result;
        pending = null;
        result = null;
        try {
            return f.get();
        } catch (ExecutionException e) {
            // the same error the step would have thrown collapsing it itself
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while collapsing the batch", e);
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}

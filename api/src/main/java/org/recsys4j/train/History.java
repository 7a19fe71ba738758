package org.recsys4j.train;

import java.util.List;

/** What {@link RetrievalModel#fit} returns: one {@link EpochLog} per epoch. */
public record History(List<EpochLog> epochs) {
    public History {
        epochs = List.copyOf(epochs);
    }

    /** The last epoch's log; an error if no epoch was trained. */
    public EpochLog last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch was trained");
        }
        return epochs.get(epochs.size() - 1);
    }
}

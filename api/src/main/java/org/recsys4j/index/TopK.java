package org.recsys4j.index;

import java.util.Arrays;
import java.util.List;

/** The k best candidates for one query: identifiers and scores, best first. */
public record TopK(List<String> identifiers, float[] scores) {
    public TopK {
        identifiers = List.copyOf(identifiers);
        scores = scores.clone();
        if (identifiers.size() != scores.length) {
            throw new IllegalArgumentException(identifiers.size() + " identifiers but " + scores.length + " scores");
        }
    }

    /** The number of candidates returned (k, or fewer when fewer were indexed). */
    public int size() {
        return scores.length;
    }

    @Override
    public float[] scores() {
        return scores.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopK t && t.identifiers.equals(identifiers) && Arrays.equals(t.scores, scores);
    }

    @Override
    public int hashCode() {
        return identifiers.hashCode() * 31 + Arrays.hashCode(scores);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TopK[");
        for (int i = 0; i < scores.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(identifiers.get(i)).append('=').append(scores[i]);
        }
        return sb.append(']').toString();
    }
}

package org.recsys4j.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DiscretizationTest {
    @Test
    void quantileBoundariesInterpolateAsNumpyDoes() {
        // np.quantile([1, 2, 3, 4, 10], [0.25, 0.5, 0.75]) = [2, 3, 4]; at 1/3 and 2/3: 2 1/3 and 3 2/3
        assertArrayEquals(new double[] {2, 3, 4}, Discretization.quantiles(new double[] {10, 2, 4, 1, 3}, 4)
                .boundaries(), 1e-12);
        assertArrayEquals(new double[] {7.0 / 3, 11.0 / 3}, Discretization.quantiles(new double[] {1, 2, 3, 4, 10}, 3)
                .boundaries(), 1e-12);
    }

    @Test
    void bucketsCountTheBoundariesAtOrBelow() {
        Discretization d = new Discretization(new double[] {2, 3, 3, 4});
        assertEquals(1, d.bucket(1.9));
        assertEquals(2, d.bucket(2));
        assertEquals(4, d.bucket(3), "a value on repeated boundaries goes past all of them");
        assertEquals(5, d.bucket(100));
        assertEquals(5, d.buckets());
        assertEquals(4, d.vocabulary().index("4"), "token b is row b");
        assertArrayEquals(new String[] {"1", "5"}, d.bucketTokens(new double[] {0, 9}));
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Discretization(new double[] {3, 1}));
        assertThrows(IllegalArgumentException.class, () -> Discretization.quantiles(new double[0], 3));
        assertThrows(IllegalArgumentException.class, () -> Discretization.quantiles(new double[] {1}, 0));
    }
}

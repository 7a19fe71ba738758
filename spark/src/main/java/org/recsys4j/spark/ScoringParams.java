package org.recsys4j.spark;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The params the estimator and the model share (the estimator copies them onto the model it
 * fits, as ALS does): the id columns and how recommendations are made. Spark finds params by their
 * public no-argument accessors, which these default methods are.
 */
public interface ScoringParams extends Params {
    String KEEP = "keep";
    String DROP = "drop";

    /** The Param objects, owned by one estimator or model (Spark checks each param's parent uid). */
    final class Holder {
        final Param<String> userCol;
        final Param<String> itemCol;
        final Param<String> recommendationsCol;
        final IntParam numRecommendations;
        final IntParam blockSize;
        final Param<String> exclusionsCol;
        final Param<String> coldStartStrategy;

        Holder(Params owner) {
            userCol = new Param<>(owner, "userCol", "column of user ids (string, int or bigint)");
            itemCol = new Param<>(owner, "itemCol", "column of item ids (string, int or bigint)");
            recommendationsCol = new Param<>(owner, "recommendationsCol",
                    "output column of top items, array<struct<item, score>>, best first");
            numRecommendations = new IntParam(owner, "numRecommendations",
                    "items per user that transform adds (>= 1)", ParamValidators.gtEq(1));
            blockSize = new IntParam(owner, "blockSize",
                    "users embedded together on an executor before their searches (>= 1)", ParamValidators.gtEq(1));
            exclusionsCol = new Param<>(owner, "exclusionsCol", "optional column of item id arrays to leave out"
                    + " of each user's recommendations in recommendForUserSubset (e.g. the items they trained on)");
            coldStartStrategy = new Param<>(owner, "coldStartStrategy", "what transform does with users the model"
                    + " has not seen: 'keep' the row with null recommendations, or 'drop' it",
                    ParamValidators.inArray(new String[] {KEEP, DROP}));
            owner.setDefault(userCol, "user");
            owner.setDefault(itemCol, "item");
            owner.setDefault(recommendationsCol, "recommendations");
            owner.setDefault(numRecommendations, 10);
            owner.setDefault(blockSize, 4096);
            owner.setDefault(coldStartStrategy, KEEP);
        }
    }

    Holder scoringParams();

    default Param<String> userCol() {
        return scoringParams().userCol;
    }

    default Param<String> itemCol() {
        return scoringParams().itemCol;
    }

    default Param<String> recommendationsCol() {
        return scoringParams().recommendationsCol;
    }

    default IntParam numRecommendations() {
        return scoringParams().numRecommendations;
    }

    default IntParam blockSize() {
        return scoringParams().blockSize;
    }

    default Param<String> exclusionsCol() {
        return scoringParams().exclusionsCol;
    }

    default Param<String> coldStartStrategy() {
        return scoringParams().coldStartStrategy;
    }

    default String getUserCol() {
        return getOrDefault(userCol());
    }

    default String getItemCol() {
        return getOrDefault(itemCol());
    }

    default String getRecommendationsCol() {
        return getOrDefault(recommendationsCol());
    }

    default int getNumRecommendations() {
        return (Integer) getOrDefault(numRecommendations());
    }

    default int getBlockSize() {
        return (Integer) getOrDefault(blockSize());
    }

    default String getExclusionsCol() {
        return isDefined(exclusionsCol()) ? getOrDefault(exclusionsCol()) : null;
    }

    default String getColdStartStrategy() {
        return getOrDefault(coldStartStrategy());
    }
}

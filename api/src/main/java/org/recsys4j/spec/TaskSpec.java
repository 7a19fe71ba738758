package org.recsys4j.spec;

/**
 * A task of a model as declared: which towers it reads and its weight in the summed loss, as
 * TFRS's multitask model sums {@code rating_weight * rating_loss + retrieval_weight * retrieval_loss}.
 */
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME,
        property = "type")
@com.fasterxml.jackson.annotation.JsonSubTypes({
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = RetrievalTask.class, name = "retrieval"),
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = RankingTask.class, name = "ranking")})
public sealed interface TaskSpec permits RetrievalTask, RankingTask {
    /** The task's name; a ranking task's weights are named after it. */
    String name();

    /** Its weight in the model's loss; 0 keeps the task's metrics but trains nothing through it. */
    double weight();

    /** Rejects a task name that is not letters, digits, '_', '.' or '-'. */
    static void checkName(String kind, String name) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException(kind + " task name '" + name
                    + "' must be letters, digits, '_', '.' or '-'");
        }
    }

    /** Rejects a loss weight that is not a finite number of 0 or more. */
    static void checkWeight(String name, double weight) {
        if (!(weight >= 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("task '" + name + "': loss weight must be a number of 0 or more, got "
                    + weight);
        }
    }
}

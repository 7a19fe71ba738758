package org.recsys4j.spi;

/**
 * The losses one training or test step computed, and each ranking task's head outputs per example
 * (by task name: a rating, or a logit), from the forward pass before any update, for metrics.
 *
 * @param loss the tasks' losses summed with their weights
 */
public record StepResult(double loss, double regularizationLoss, java.util.Map<String, float[]> rankingOutputs) {
    public StepResult {
        rankingOutputs = rankingOutputs == null ? java.util.Map.of() : java.util.Map.copyOf(rankingOutputs);
    }

    /** The losses of a step without ranking outputs. */
    public StepResult(double loss, double regularizationLoss) {
        this(loss, regularizationLoss, null);
    }

    /** What the optimiser minimises: the tasks' losses plus the regularisation loss (TFRS's {@code total_loss}). */
    public double totalLoss() {
        return loss + regularizationLoss;
    }
}

package org.recsys4j.examples.tutorial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.metrics.Metric;
import org.recsys4j.spi.BatchEmbeddings;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;
import org.recsys4j.task.Retrieval;
import org.recsys4j.train.EpochLog;
import org.recsys4j.train.Progress;

/**
 * The tutorial's second way: no model base class, the training and test steps written out, as
 * the seed's {@code NoBaseClassMovielensModel} does with {@code train_step} and {@code test_step}.
 */
public final class NoBaseClassModel {
    private final Trainer trainer;
    private final Retrieval task;
    private final boolean trainingMetrics;
    private final java.util.function.UnaryOperator<FeatureBatch> negatives;

    public NoBaseClassModel(Trainer trainer, Retrieval task, boolean trainingMetrics) {
        this(trainer, task, trainingMetrics, java.util.function.UnaryOperator.identity());
    }

    /**
     * @param negatives appends the task's extra negatives to a training batch (e.g. {@code
     * RetrievalModel::withExtraNegatives})
     */
    public NoBaseClassModel(Trainer trainer, Retrieval task, boolean trainingMetrics,
            java.util.function.UnaryOperator<FeatureBatch> negatives) {
        this.trainer = trainer;
        this.task = task;
        this.trainingMetrics = trainingMetrics;
        this.negatives = negatives;
    }

    /** One optimisation step; the metrics see the embeddings from before the update. */
    public Map<String, Double> trainStep(FeatureBatch features) {
        if (trainingMetrics) {
            BatchEmbeddings e = trainer.embed(features);
            for (Metric m : task.metrics()) {
                m.update(e.queries(), e.positives(), trainer.candidateTower());
            }
        }
        StepResult step = trainer.trainStep(negatives.apply(features)); // loss, gradients, Adagrad
        return logs(step, trainingMetrics);
    }

    public Map<String, Double> testStep(FeatureBatch features) {
        BatchEmbeddings e = trainer.embed(features);
        for (Metric m : task.metrics()) {
            m.update(e.queries(), e.positives(), trainer.candidateTower());
        }
        return logs(trainer.testStep(features), true);
    }

    private Map<String, Double> logs(StepResult step, boolean withMetrics) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (withMetrics) {
            task.metrics().forEach(m -> metrics.putAll(m.result()));
        }
        double regularizationLoss = step.regularizationLoss();
        metrics.put("loss", step.loss());
        metrics.put("regularization_loss", regularizationLoss);
        metrics.put("total_loss", step.loss() + regularizationLoss);
        return metrics;
    }

    public List<EpochReport> fit(List<FeatureBatch> batches, int epochs, Progress progress) {
        List<EpochReport> out = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            progress.epochStarted(epoch, epochs, batches.size());
            task.metrics().forEach(Metric::reset);
            long start = System.nanoTime();
            Map<String, Double> logs = Map.of();
            int examples = 0;
            for (int i = 0; i < batches.size(); i++) {
                logs = trainStep(batches.get(i));
                examples += batches.get(i).size();
                progress.stepDone(i + 1, batches.get(i).size(), logs);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.epochDone(new EpochLog(epoch, seconds, examples, logs));
            out.add(new EpochReport(epoch, seconds, logs));
        }
        return out;
    }

    public Map<String, Double> evaluate(List<FeatureBatch> batches) {
        task.metrics().forEach(Metric::reset);
        Map<String, Double> logs = Map.of();
        for (FeatureBatch b : batches) {
            logs = testStep(b);
        }
        return logs;
    }
}

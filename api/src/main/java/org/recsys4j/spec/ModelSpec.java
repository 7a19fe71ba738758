package org.recsys4j.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A model as declared: towers, and the tasks that read them, each with a loss weight. The loss is
 * {@code sum_t weight_t * loss_t}, as TFRS's multitask model combines a {@code Ranking} and a
 * {@code Retrieval} task over shared towers. Every training backend compiles it; a spec with one
 * {@link RetrievalTask} of weight 1 is exactly a {@link RetrievalSpec} and trains as one.
 */
public record ModelSpec(List<TowerSpec> towers, List<TaskSpec> tasks) {
    public ModelSpec {
        towers = towers == null ? List.of() : List.copyOf(towers);
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        if (towers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one tower");
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one task (Retrieval or Ranking)");
        }
        Map<String, TowerSpec> byName = new HashMap<>();
        Map<String, Integer> vocabularyByFeature = new HashMap<>();
        for (TowerSpec t : towers) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("two towers are named '" + t.name() + "'");
            }
            Integer size = vocabularyByFeature.putIfAbsent(t.feature(), t.vocabularySize());
            if (size != null && size != t.vocabularySize()) {
                throw new IllegalArgumentException("towers read feature '" + t.feature() + "' through vocabularies of "
                        + size + " and " + t.vocabularySize() + " rows; one feature has one vocabulary");
            }
        }
        Set<String> taskNames = new HashSet<>();
        int retrievals = 0;
        boolean anyWeight = false;
        for (TaskSpec task : tasks) {
            if (!taskNames.add(task.name()) || byName.containsKey(task.name())) {
                throw new IllegalArgumentException("task name '" + task.name()
                        + "' is taken by another task or a tower");
            }
            anyWeight |= task.weight() > 0;
            if (task instanceof RetrievalTask r) {
                retrievals++;
                // the retrieval constraints (matching dimensions, a bias column on the right sides, no
                // candidate context) are RetrievalSpec's
                new RetrievalSpec(tower(byName, r.name(), r.queryTower()), tower(byName, r.name(), r.candidateTower()),
                        r.options());
            } else if (task instanceof RankingTask k) {
                for (String input : k.inputs()) {
                    tower(byName, k.name(), input);
                }
            }
        }
        Set<String> unread = new java.util.LinkedHashSet<>(byName.keySet());
        for (TaskSpec task : tasks) {
            if (task instanceof RetrievalTask r) {
                unread.remove(r.queryTower());
                unread.remove(r.candidateTower());
            } else if (task instanceof RankingTask k) {
                k.inputs().forEach(unread::remove);
            }
        }
        if (!unread.isEmpty()) {
            throw new IllegalArgumentException("no task reads tower(s) " + unread + ": a tower must feed a task");
        }
        if (retrievals > 1) {
            throw new IllegalArgumentException("a model has at most one Retrieval task, this one has " + retrievals);
        }
        if (!anyWeight) {
            throw new IllegalArgumentException("every task's loss weight is 0 " + taskNames
                    + ": training would change nothing; give at least one task a positive weight");
        }
    }

    private static TowerSpec tower(Map<String, TowerSpec> towers, String task, String name) {
        TowerSpec t = towers.get(name);
        if (t == null) {
            throw new IllegalArgumentException("task '" + task + "' reads tower '" + name
                    + "', which the model does not"
                    + " have; its towers are " + towers.keySet());
        }
        return t;
    }

    /** The retrieval model {@code spec} as a model: its two towers and one Retrieval task of weight 1. */
    public static ModelSpec of(RetrievalSpec spec) {
        return new ModelSpec(List.of(spec.query(), spec.candidate()),
                List.of(new RetrievalTask("retrieval", spec.query().name(), spec.candidate().name(), spec.task(),
                        1.0)));
    }

    /** The tower {@code name}; an error if there is none. */
    public TowerSpec tower(String name) {
        for (TowerSpec t : towers) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no tower named '" + name + "'");
    }

    /** The Retrieval task, or null when the model has none. */
    public RetrievalTask retrievalTask() {
        for (TaskSpec t : tasks) {
            if (t instanceof RetrievalTask r) {
                return r;
            }
        }
        return null;
    }

    /** The Retrieval task's towers and options as a {@link RetrievalSpec}, or null without one. */
    public RetrievalSpec retrieval() {
        RetrievalTask r = retrievalTask();
        return r == null ? null : new RetrievalSpec(tower(r.queryTower()), tower(r.candidateTower()), r.options());
    }

    /** The ranking tasks, in order. */
    public List<RankingTask> rankingTasks() {
        List<RankingTask> out = new ArrayList<>();
        for (TaskSpec t : tasks) {
            if (t instanceof RankingTask k) {
                out.add(k);
            }
        }
        return out;
    }

    /** Whether this is a plain retrieval model: one Retrieval task of weight 1 over exactly its two towers. */
    public boolean retrievalOnly() {
        return tasks.size() == 1 && tasks.get(0) instanceof RetrievalTask r && r.weight() == 1.0 && towers.size() == 2;
    }

    /** The width of a ranking task's head input: its towers' outputs side by side. */
    public int inputDim(RankingTask task) {
        int width = 0;
        for (String input : task.inputs()) {
            width += tower(input).outputDim();
        }
        return width;
    }

    /** Every weight with its shape: the towers', then each ranking head's, in a stable order. */
    public Map<String, int[]> weightShapes() {
        Map<String, int[]> all = new LinkedHashMap<>();
        for (TowerSpec t : towers) {
            all.putAll(t.weightShapes());
        }
        for (RankingTask k : rankingTasks()) {
            all.putAll(k.weightShapes(inputDim(k)));
        }
        return all;
    }

    /** The features the towers read (ids and context), for building batches. */
    public Set<String> towerFeatures() {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (TowerSpec t : towers) {
            out.add(t.feature());
            t.contextFeatures().forEach(f -> out.add(f.name()));
        }
        return out;
    }

    /** The same towers with the tasks {@code replaced}. */
    public ModelSpec withTasks(List<TaskSpec> replaced) {
        return new ModelSpec(towers, Objects.requireNonNull(replaced));
    }
}

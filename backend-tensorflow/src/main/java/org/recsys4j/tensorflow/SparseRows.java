package org.recsys4j.tensorflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RetrievalTask;
import org.recsys4j.spec.TowerSpec;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The embedding tables that Adagrad updates row by row, by their index among the model's
 * variables: those of the Retrieval task's towers that are a lookup alone, in a retrieval-only
 * model whose collapsed batches feed distinct rows, unpadded, and whose tables carry no L2 of their
 * own. Their gradient is the gradient of the gathered rows, and only those rows change, as under a
 * dense update whose other rows' gradient is 0 (Keras's sparse Adagrad); the dense form would read
 * and write the whole table and its accumulator every step.
 */
final class SparseRows {
    /** A table whose gradient is taken as that of its gathered rows {@code out}, at distinct {@code rows}. */
    private record Table(Operand<TFloat32> out, Operand<TInt32> rows) {
    }

    private final RetrievalTaskGraph retrieval;
    private final Map<Integer, Table> tables = new LinkedHashMap<>();

    /**
     * @param retrieval the Retrieval task's graph, or null without one
     * @param collapse whether batches are collapsed to their distinct rows
     * @param padShapes whether the distinct rows are padded ({@link RetrievalTaskGraph#feed})
     * @param names the model's variables' names, in the order of its variables
     */
    SparseRows(ModelSpec spec, RetrievalTaskGraph retrieval, Optimizer optimizer, boolean collapse,
            boolean padShapes, List<String> names) {
        this.retrieval = retrieval;
        RetrievalTask r = spec.retrievalTask();
        if (!(optimizer instanceof Adagrad) || r == null || !spec.rankingTasks().isEmpty() || !collapse
                || padShapes) {
            return;
        }
        for (TowerSpec t : List.of(spec.tower(r.queryTower()), spec.tower(r.candidateTower()))) {
            if (TowerGraph.lookupOnly(t) && !retrieval.tableRegularized.contains(t.embeddingName())) {
                boolean query = t.name().equals(r.queryTower());
                tables.put(names.indexOf(t.embeddingName()), query
                        ? new Table(retrieval.queryOut, retrieval.queryRows)
                        : new Table(retrieval.candidateOut, retrieval.candidateRows));
            }
        }
    }

    /** What each variable's gradient is taken with respect to: a table's gathered rows, else the variable. */
    Output<?>[] xs(List<Variable<TFloat32>> variables) {
        Output<?>[] xs = new Output<?>[variables.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = tables.containsKey(i) ? tables.get(i).out().asOutput() : variables.get(i).asOutput();
        }
        return xs;
    }

    /** Whether every one of the model's {@code variables} is such a table. */
    boolean all(int variables) {
        return tables.size() == variables;
    }

    /** The distinct rows each table's gradient holds, by variable index ({@link OptimizerGraph}'s sparse rows). */
    Map<Integer, Operand<TInt32>> rows() {
        Map<Integer, Operand<TInt32>> out = new LinkedHashMap<>();
        tables.forEach((i, table) -> out.put(i, table.rows()));
        return out;
    }

    /**
     * The written-out gradients of the first {@code blocks} query blocks, by variable, of either
     * softmax ({@link RetrievalTaskGraph#gradQOfFirst}); for a model whose variables are all such
     * tables ({@link #all}).
     */
    Output<?>[] writtenOutGradients(int blocks, boolean shifted) {
        Output<?>[] out = new Output<?>[tables.size()];
        tables.forEach((i, table) -> out[i] = (table.out() == retrieval.queryOut
                ? (shifted ? retrieval.shiftedGradQOfFirst : retrieval.gradQOfFirst)
                : (shifted ? retrieval.shiftedGradCOfFirst : retrieval.gradCOfFirst)).get(blocks - 1).asOutput());
        return out;
    }
}

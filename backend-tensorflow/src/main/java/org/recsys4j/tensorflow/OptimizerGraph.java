package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.Adam;
import org.recsys4j.spec.Optimizer;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The optimizer's slots and update ops: Keras Adagrad as {@code ApplyAdagradV2} (accumulators from
 * the initial value, epsilon outside the square root), Keras Adam as {@code ApplyAdam} (moments
 * from zero, bias corrections from {@code beta^t} fed at each step). Gradients of embedding gathers
 * come back dense: under Adagrad a zero gradient leaves a row and its accumulator as they were, as
 * Keras's sparse update does; under Adam every row's moments decay, as Keras's do. Under Adagrad a
 * table whose gradient the trainer hands over as its gathered rows ({@link SparseRows}) is updated
 * at those rows alone ({@code SparseApplyAdagradV2}), the same update without the untouched rows.
 */
final class OptimizerGraph {
    /** Sets every slot to its initial value. */
    final List<Assign<TFloat32>> slotInits = new ArrayList<>();
    final Op train;
    private final Adam adam;
    /** Under Adagrad, each variable's accumulator, and the update's constants. */
    private final List<Variable<TFloat32>> accumulators = new ArrayList<>();
    private final Operand<TFloat32> lr;
    private final Operand<TFloat32> eps;
    private final Placeholder<TFloat32> beta1Power;
    private final Placeholder<TFloat32> beta2Power;
    private long steps;

    /**
     * @param tf where the slots live
     * @param afterGradients ops that run only once every gradient is computed (variables are read by
     *     reference, so no update may start before the backward pass has read them)
     * @param sparseRows by variable index, the distinct rows whose gradient {@code grads} holds (one
     *     row each), for tables Adagrad updates row by row; the rest of the table stays as it was
     */
    @SuppressWarnings("unchecked")
    OptimizerGraph(Ops tf, Ops afterGradients, Optimizer optimizer, List<Variable<TFloat32>> variables,
            Output<?>[] grads, Map<Integer, Operand<TInt32>> sparseRows) {
        List<Op> updates = new ArrayList<>();
        lr = tf.constant((float) optimizer.learningRate());
        if (optimizer instanceof Adagrad adagrad) {
            this.adam = null;
            beta1Power = null;
            beta2Power = null;
            eps = tf.constant((float) adagrad.epsilon());
            for (Variable<TFloat32> v : variables) {
                Variable<TFloat32> accumulator = slot(tf, v, "_adagrad");
                slotInits.add(tf.assign(accumulator, tf.fill(tf.shape(v),
                        tf.constant((float) adagrad.initialAccumulatorValue()))));
                accumulators.add(accumulator);
            }
            updates.addAll(adagradUpdates(afterGradients, variables, grads, sparseRows));
        } else {
            eps = null;
            this.adam = (Adam) optimizer;
            beta1Power = tf.withName("adam_beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            beta2Power = tf.withName("adam_beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            Operand<TFloat32> b1 = tf.constant((float) adam.beta1());
            Operand<TFloat32> b2 = tf.constant((float) adam.beta2());
            Operand<TFloat32> adamEps = tf.constant((float) adam.epsilon());
            for (int i = 0; i < variables.size(); i++) {
                Variable<TFloat32> v = variables.get(i);
                Variable<TFloat32> m = slot(tf, v, "_adam_m");
                Variable<TFloat32> s = slot(tf, v, "_adam_v");
                slotInits.add(tf.assign(m, tf.zerosLike(v)));
                slotInits.add(tf.assign(s, tf.zerosLike(v)));
                updates.add(afterGradients.train.applyAdam(v, m, s, beta1Power, beta2Power, lr, b1, b2, adamEps,
                        (Operand<TFloat32>) grads[i]));
            }
        }
        train = tf.withName("train").withControlDependencies(updates).noOp();
    }

    /**
     * Ops that run once {@code grads} and the {@code reported} values a step fetches (its loss, the
     * regularization, the ranking outputs) are computed: variables are read by reference, so a
     * kernel's update must not run before the backward pass has read it, nor before the reported
     * values are computed from it.
     */
    static Ops afterGradients(Ops tf, Output<?>[] grads, List<Operand<TFloat32>> reported) {
        List<Op> done = new ArrayList<>();
        for (Output<?> g : grads) {
            done.add(tf.identity(g));
        }
        for (Operand<TFloat32> r : reported) {
            done.add(tf.identity(r));
        }
        return tf.withControlDependencies(done);
    }

    /**
     * Adagrad's update of {@code variables} by another set of gradients, on the same accumulators:
     * the op a step runs instead of {@link #train} when its gradients come from elsewhere in the graph.
     */
    Op adagrad(Ops tf, Ops afterGradients, List<Variable<TFloat32>> variables, Output<?>[] grads,
            Map<Integer, Operand<TInt32>> sparseRows) {
        return tf.withControlDependencies(adagradUpdates(afterGradients, variables, grads, sparseRows)).noOp();
    }

    @SuppressWarnings("unchecked")
    private List<Op> adagradUpdates(Ops afterGradients, List<Variable<TFloat32>> variables, Output<?>[] grads,
            Map<Integer, Operand<TInt32>> sparseRows) {
        List<Op> updates = new ArrayList<>();
        for (int i = 0; i < variables.size(); i++) {
            Variable<TFloat32> v = variables.get(i);
            Operand<TFloat32> g = (Operand<TFloat32>) grads[i];
            Operand<TInt32> rows = sparseRows.get(i);
            updates.add(rows == null ? afterGradients.train.applyAdagradV2(v, accumulators.get(i), lr, eps, g)
                    : afterGradients.train.sparseApplyAdagrad(v, accumulators.get(i), lr, eps, g, rows));
        }
        return updates;
    }

    private static Variable<TFloat32> slot(Ops tf, Variable<TFloat32> v, String suffix) {
        return tf.withName(v.op().name().replace('/', '_') + suffix).variable(v.shape(), TFloat32.class);
    }

    /** Feeds what the next update needs: under Adam, {@code beta^t} for the step t it makes. */
    void feedUpdate(Session.Runner runner, List<org.tensorflow.Tensor> owned) {
        if (adam == null) {
            return;
        }
        steps++;
        float p1 = (float) Math.pow(adam.beta1(), steps);
        float p2 = (float) Math.pow(adam.beta2(), steps);
        runner.feed(beta1Power, RetrievalTaskGraph.own(owned, TFloat32.scalarOf(p1)));
        runner.feed(beta2Power, RetrievalTaskGraph.own(owned, TFloat32.scalarOf(p2)));
    }
}

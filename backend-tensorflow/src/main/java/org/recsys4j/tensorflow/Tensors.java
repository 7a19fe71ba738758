package org.recsys4j.tensorflow;

import org.recsys4j.model.Embeddings;
import org.recsys4j.model.FloatTensor;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Copies between Java arrays and TensorFlow tensors; the caller closes the tensors it gets. */
final class Tensors {
    private Tensors() {
    }

    static TFloat32 of(FloatTensor t) {
        long[] dims = new long[t.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.dim(i);
        }
        return TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(t.data(), true, false));
    }

    static TInt32 rows(int[] rows) {
        return TInt32.tensorOf(Shape.of(rows.length), DataBuffers.of(rows, true, false));
    }

    /** As {@link #rows(int[])}, from a view: the tensor is the one copy. */
    static TInt32 rows(java.nio.IntBuffer rows) {
        return TInt32.tensorOf(Shape.of(rows.remaining()), DataBuffers.of(rows));
    }

    /** As {@link #vector(float[])}, from a view: the tensor is the one copy. */
    static TFloat32 vector(java.nio.FloatBuffer values) {
        return TFloat32.tensorOf(Shape.of(values.remaining()), DataBuffers.of(values));
    }

    static TFloat32 vector(float[] values) {
        return TFloat32.tensorOf(Shape.of(values.length), DataBuffers.of(values, true, false));
    }

    static float[] floats(Tensor t) {
        TFloat32 f = (TFloat32) t;
        float[] out = new float[Math.toIntExact(f.size())];
        f.copyTo(DataBuffers.of(out, false, false));
        return out;
    }

    static FloatTensor floatTensor(Tensor t) {
        long[] dims = t.shape().asArray();
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = Math.toIntExact(dims[i]);
        }
        return new FloatTensor(shape, floats(t));
    }

    static Embeddings embeddings(Tensor t) {
        long[] dims = t.shape().asArray();
        return new Embeddings(floats(t), Math.toIntExact(dims[0]), Math.toIntExact(dims[1]));
    }

    static double scalar(Tensor t) {
        return ((TFloat32) t).getFloat();
    }
}

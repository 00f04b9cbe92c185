package dev.qprobe.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for the positions processed so far, each [B, kvHeads, T, headDim]
 * (after RoPE). One prompt's cache is computed once and {@link #expand expanded} to the k rows
 * that sample from it.
 */
public final class KvCache {
    final NDArray[] keys;
    final NDArray[] values;
    int length;

    KvCache(int layers) {
        keys = new NDArray[layers];
        values = new NDArray[layers];
    }

    /** Positions held. */
    public int length() {
        return length;
    }

    /** Rows (batch size) held; 0 before the first step. */
    public long rows() {
        return keys[0] == null ? 0 : keys[0].getShape().get(0);
    }

    /** Appends one layer's new keys and values; the old arrays are freed. */
    void append(int layer, NDArray k, NDArray v) {
        if (keys[layer] != null) {
            NDArray oldK = keys[layer];
            NDArray oldV = values[layer];
            k = oldK.concat(k, 2);
            v = oldV.concat(v, 2);
            oldK.close();
            oldV.close();
        }
        keys[layer] = k;
        values[layer] = v;
    }

    /** Moves every array to {@code manager}, so the cache outlives the scope of the step that made it. */
    void attach(NDManager manager) {
        for (int l = 0; l < keys.length; l++) {
            keys[l].attach(manager);
            values[l].attach(manager);
        }
    }

    /** A new cache of {@code rows} copies of this one-row cache, on {@code manager}. */
    KvCache expand(NDManager manager, int rows) {
        if (rows() != 1) {
            throw new IllegalStateException("only a one-row (prompt) cache expands, this one has " + rows() + " rows");
        }
        KvCache out = new KvCache(keys.length);
        for (int l = 0; l < keys.length; l++) {
            out.keys[l] = keys[l].repeat(0, rows);
            out.values[l] = values[l].repeat(0, rows);
            out.keys[l].attach(manager);
            out.values[l].attach(manager);
        }
        out.length = length;
        return out;
    }

    /** Frees the arrays. */
    void close() {
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) {
                keys[l].close();
                values[l].close();
            }
        }
    }
}

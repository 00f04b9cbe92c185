package dev.qprobe.probe;

/**
 * Forward and backward passes of one probe architecture over one feature matrix, on some
 * hardware. Trainers and objectives only see this interface, so a new backend (a GPU, say) plugs
 * in without touching them. Parameters are flat float vectors laid out as {@link ProbeSpec} says.
 */
public interface ProbeComputation extends AutoCloseable {

    /** Scores Q(x) of the given rows. */
    float[] scores(float[] params, int[] rows);

    /**
     * For each group in {@code groups}: scores its rows, asks {@code loss} for d loss / d q, and
     * adds d loss / d params into {@code grad}. Returns the summed loss of those groups.
     * Results must depend only on the inputs, not on thread scheduling.
     */
    double lossAndGradient(float[] params, GroupedLoss loss, int[] groups, double[] grad);

    @Override
    void close();
}

package dev.qprobe.dsl;

import java.util.List;
import java.util.function.Function;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Ablations as one call that returns one table: runs the pipeline once per value of a parameter
 * and stacks the results, with the value in a column named after the parameter.
 * <pre>{@code
 * Table byLayer = Sweep.over("layer", List.of(-1, -2, -3),
 *         layer -> samples.embed(Embed.hidden(layer)).probe(Objective.PG).select(Beta.of(0)));
 * Table byData = Sweep.over("train_prompts", List.of(25, 50, 100, 200, 400),
 *         n -> features.withTrainPrompts(n, 0).probe(Objective.PG, Objective.MSE).select(Beta.of(0)));
 * }</pre>
 */
public final class Sweep {
    private Sweep() {
    }

    public static <T> Table over(String parameter, List<T> values, Function<T, Results> run) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("sweep over " + parameter + " needs at least one value");
        }
        Table all = null;
        for (T value : values) {
            Table t = run.apply(value).table();
            StringColumn column = StringColumn.create(parameter, t.rowCount());
            for (int i = 0; i < t.rowCount(); i++) {
                column.set(i, String.valueOf(value));
            }
            t.insertColumn(0, column);
            all = all == null ? t : all.append(t);
        }
        return all.setName("sweep over " + parameter);
    }
}

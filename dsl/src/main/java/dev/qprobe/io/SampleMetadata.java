package dev.qprobe.io;

import dev.qprobe.data.SampleSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The per-row data that goes with a feature array: for row i, its prompt id, reward and optionally
 * prompt and completion texts, stored as CSV or JSON lines (chosen by the file extension).
 *
 * <p>Fields: {@code prompt_id} (required, non-empty; JSON may give an integer), {@code reward}
 * (required, finite; {@code true}/{@code false} read as 1/0), {@code prompt} and {@code completion}
 * (optional text). Other columns or fields are ignored, so a pandas index column does no harm.
 *
 * <p>CSV follows RFC 4180: fields holding commas, quotes or line breaks are quoted. In CSV an absent
 * column means "unknown" (null) while an empty cell is the empty string; so a set whose texts are
 * partly null and partly known writes its nulls as empty strings. JSON lines keep nulls exactly
 * (the field is omitted).
 */
public final class SampleMetadata {
    static final String PROMPT_ID = "prompt_id";
    static final String PROMPT = "prompt";
    static final String COMPLETION = "completion";
    static final String REWARD = "reward";

    private final String[] promptIds;
    private final String[] prompts;
    private final String[] completions;
    private final double[] rewards;

    private SampleMetadata(String[] promptIds, String[] prompts, String[] completions, double[] rewards) {
        this.promptIds = promptIds;
        this.prompts = prompts;
        this.completions = completions;
        this.rewards = rewards;
    }

    /** The metadata of every row of {@code set}. */
    public static SampleMetadata of(SampleSet set) {
        int n = set.size();
        String[] ids = new String[n];
        String[] prompts = new String[n];
        String[] completions = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = set.promptId(i);
            prompts[i] = set.prompt(i);
            completions[i] = set.completion(i);
        }
        return new SampleMetadata(ids, prompts, completions, set.rewards());
    }

    /**
     * Reads a {@code .csv}, {@code .jsonl} or {@code .json} (JSON lines, or one array of objects) file.
     *
     * @throws DataFormatException naming the file and line on an unknown extension, a missing column or
     *                             field, an empty prompt id, a non-numeric or non-finite reward or malformed JSON
     * @throws IOException         if the file cannot be read
     */
    public static SampleMetadata read(Path file) throws IOException {
        List<String> ids = new ArrayList<>();
        List<String> prompts = new ArrayList<>();
        List<String> completions = new ArrayList<>();
        double[][] rewards = {new double[1024]};
        Tables.read(file, List.of(PROMPT_ID, REWARD), row -> {
            String id = row.id(PROMPT_ID);
            double reward = row.number(REWARD);
            prompts.add(row.text(PROMPT));
            completions.add(row.text(COMPLETION));
            ids.add(id);
            if (row.index() == rewards[0].length) {
                rewards[0] = Arrays.copyOf(rewards[0], 2 * row.index());
            }
            rewards[0][row.index()] = reward;
        });
        return new SampleMetadata(ids.toArray(String[]::new), prompts.toArray(String[]::new),
                completions.toArray(String[]::new), Arrays.copyOf(rewards[0], ids.size()));
    }

    /**
     * Writes the rows to a {@code .csv}, {@code .jsonl} or {@code .json} (written as JSON lines) file,
     * replacing it only once fully written. The prompt and completion columns are left out when
     * every row's is null.
     */
    public void write(Path file) throws IOException {
        Tables.Format format = Tables.Format.of(file);
        try (PendingFile pending = PendingFile.create(file)) {
            writeTo(pending.path(), format);
            pending.commit();
        }
    }

    void writeTo(Path out, Tables.Format format) throws IOException {
        List<String> columns = new ArrayList<>(List.of(PROMPT_ID));
        if (Arrays.stream(prompts).anyMatch(Objects::nonNull)) {
            columns.add(PROMPT);
        }
        if (Arrays.stream(completions).anyMatch(Objects::nonNull)) {
            columns.add(COMPLETION);
        }
        columns.add(REWARD);
        Tables.write(out, format, columns, size(), (row, column) -> switch (column) {
            case PROMPT_ID -> promptIds[row];
            case PROMPT -> prompts[row];
            case COMPLETION -> completions[row];
            default -> rewards[row];
        });
    }

    /** The number of rows. */
    public int size() {
        return promptIds.length;
    }

    /** The prompt id of a row: rows with equal ids are candidates for the same prompt. */
    public String promptId(int row) {
        return promptIds[row];
    }

    /** The prompt text, or null when unknown. */
    public String prompt(int row) {
        return prompts[row];
    }

    /** The completion text, or null when unknown. */
    public String completion(int row) {
        return completions[row];
    }

    /** The reward of a row (finite). */
    public double reward(int row) {
        return rewards[row];
    }

    // Direct access for SampleSetIO, which hands the arrays to SampleSet.of (which copies them).
    String[] promptIdArray() {
        return promptIds;
    }

    String[] promptArray() {
        return prompts;
    }

    String[] completionArray() {
        return completions;
    }

    double[] rewardArray() {
        return rewards;
    }
}

package dev.qprobe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.io.DataFormatException;
import dev.qprobe.io.Npy;
import dev.qprobe.io.SampleSetIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BringYourOwnFeaturesTest {
    private static final Pattern SUMMARY = Pattern.compile(
            "(\\S+) picks one of (\\d+) with reward ([0-9.]+); a random pick ([0-9.]+); the best of \\d+ ([0-9.]+)");

    @Test
    void withoutFilesItWritesMadeUpOnesAndTheProbesBeatARandomPick(@TempDir Path work) throws Exception {
        String printed = Console.output(() -> BringYourOwnFeatures.main(new String[] {
                "--work", work.toString(), "--prompts", "40", "--candidates", "12", "--dim", "8"}));

        // The files are what a Python pipeline would hand over: a float32 array and one CSV row per candidate.
        assertEquals(40 * 12, Npy.read(work.resolve("features.npy")).rows());
        List<String> csv = Files.readAllLines(work.resolve("samples.csv"));
        assertEquals("prompt_id,reward", csv.get(0));
        assertEquals(1 + 40 * 12, csv.size());
        assertTrue(printed.contains("split  30 train prompts, 10 test prompts"), printed);

        Matcher m = SUMMARY.matcher(printed);
        int probes = 0;
        while (m.find()) {
            probes++;
            assertEquals("12", m.group(2));
            double picked = Double.parseDouble(m.group(3));
            double random = Double.parseDouble(m.group(4));
            double best = Double.parseDouble(m.group(5));
            // The features carry the quality that drives the reward: a probe must use it.
            assertTrue(picked > random + 0.1 && picked <= best, m.group());
        }
        assertEquals(2, probes, "a summary for PG and MSE:\n" + printed);
    }

    @Test
    void trainsOnFilesGivenAsArguments(@TempDir Path dir) throws Exception {
        SampleSet set = SyntheticSamples.generate(24, 12, 5, 0.1, 3);
        Path features = dir.resolve("feats.npy");
        Path samples = dir.resolve("samples.jsonl");
        SampleSetIO.save(set, features, samples);

        String printed = Console.output(() -> BringYourOwnFeatures.main(new String[] {
                "--features", features.toString(), "--samples", samples.toString()}));

        assertTrue(printed.contains("split  18 train prompts, 6 test prompts"), printed);
        assertTrue(printed.contains("PG(k=10,T=0.1) picks one of 12 with reward"), "k up to the 12 candidates\n"
                + printed);
        assertTrue(printed.contains("MSE picks one of 12"), printed);
        assertTrue(!printed.contains("wrote"), "given files are used, not made up");
    }

    @Test
    void badInputFailsNamingWhatIsWrong(@TempDir Path dir) throws Exception {
        var e = assertThrows(IllegalArgumentException.class,
                () -> BringYourOwnFeatures.main(new String[] {"--features", "x.npy"}));
        assertTrue(e.getMessage().contains("give both --features and --samples"), e.getMessage());

        SampleSet set = SyntheticSamples.generate(4, 8, 2, 0.1, 3);
        Path features = dir.resolve("f.npy");
        Path samples = dir.resolve("s.csv");
        SampleSetIO.save(set, features, samples);
        List<String> rows = Files.readAllLines(samples);
        Files.write(samples, rows.subList(0, rows.size() - 1)); // one candidate short
        var bad = assertThrows(DataFormatException.class, () -> BringYourOwnFeatures.main(new String[] {
                "--features", features.toString(), "--samples", samples.toString()}));
        assertTrue(bad.getMessage().contains("32 feature rows but " + samples + " has 31"), bad.getMessage());
    }
}

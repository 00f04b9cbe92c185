package dev.qprobe.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled all-MiniLM-L6-v2 (quantized) sentence embedder; one model load shared by all tests. */
class MiniLmEmbedderTest {
    private static MiniLmEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = new MiniLmEmbedder();
        embedder.embedTexts(List.of("warm up"));  // loads the model once for the whole class
    }

    private static float[] one(String text) {
        return embedder.embedTexts(List.of(text))[0];
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static double cosine(float[] a, float[] b) {
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }

    @Test
    void idNamesTheModelAndTheLibraryVersion() {
        assertEquals(384, embedder.dim());
        assertEquals(MiniLmEmbedder.DEFAULT_BATCH_SIZE, embedder.batchSize());
        assertTrue(embedder.id().matches("all-MiniLM-L6-v2-q@\\d+\\.\\d+\\.\\d+.*"), embedder.id());
        assertEquals(embedder.id(), new MiniLmEmbedder(5).id());
    }

    @Test
    void vectorsHave384FiniteValuesAndUnitLength() {
        float[][] v = embedder.embed("Q: What is 12 + 30?\nA:", List.of(" 42", " The answer is 42.", "", " 41"));
        assertEquals(4, v.length);
        for (float[] row : v) {
            assertEquals(384, row.length);
            for (float x : row) {
                assertTrue(Float.isFinite(x));
            }
            assertEquals(1.0, Math.sqrt(dot(row, row)), 1e-4);
        }
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedTexts() {
        String[][] triples = {
            {"The cat sat on the mat.", "A cat was sitting on the mat.", "Quarterly revenue grew by five percent."},
            {"How do I reset my password?", "What are the steps to change a forgotten password?",
                "The recipe calls for two cups of flour."},
            {"The train to Paris leaves at nine in the morning.", "At 9 am the Paris train departs.",
                "Photosynthesis converts light into chemical energy."},
            {"He fixed the bug in the parser.", "The parser defect was repaired by him.",
                "The orchestra played a symphony by Brahms."},
            {"It is raining heavily outside.", "There is a downpour out there.",
                "The stock market closed higher on Friday."},
            {"The answer is 42.", "It comes to forty-two.", "Paint the fence blue before winter."},
        };
        for (String[] t : triples) {
            float[][] v = embedder.embedTexts(List.of(t));
            double para = cosine(v[0], v[1]);
            assertTrue(para > cosine(v[0], v[2]) + 0.1 && para > cosine(v[1], v[2]) + 0.1,
                    () -> String.format("%s | %s | %s: paraphrase %.3f, unrelated %.3f / %.3f", t[0], t[1], t[2],
                            para, cosine(v[0], v[2]), cosine(v[1], v[2])));
        }
    }

    @Test
    void embedsPromptFollowedByCompletionAndAnEmptyCompletionEmbedsThePrompt() {
        String prompt = "Question: name a primary colour.\nAnswer:";
        float[][] v = embedder.embed(prompt, List.of(" red", ""));
        assertArrayEquals(one(prompt + " red"), v[0], 1e-5f);
        assertArrayEquals(one(prompt), v[1], 1e-5f);
        assertEquals(prompt + " red", MiniLmEmbedder.text(prompt, " red"));
        assertEquals(0, embedder.embed(prompt, List.of()).length);
        assertEquals(0, embedder.embedTexts(List.of()).length);
    }

    @Test
    void deterministicAndBatchGivesTheSameVectorsAsSingleTexts() {
        String text = "The quick brown fox jumps over the lazy dog.";
        assertArrayEquals(one(text), one(text));
        float[][] batch = embedder.embedTexts(List.of("Something else entirely.", text, text));
        assertArrayEquals(one(text), batch[1], 1e-5f);
        assertArrayEquals(batch[1], batch[2], 1e-5f);
    }

    @Test
    void manyBatchesKeepTheOrder() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            texts.add("Completion " + i + ": " + (i * 37 % 101) + " apples and " + (i % 7) + " pears.");
        }
        Collections.shuffle(texts, new java.util.Random(1));
        float[][] byDefault = embedder.embedTexts(texts);        // 32 + 32 + 6
        float[][] bySevens = new MiniLmEmbedder(7).embedTexts(texts);
        assertEquals(70, byDefault.length);
        for (int i = 0; i < texts.size(); i++) {
            float[] single = one(texts.get(i));
            assertArrayEquals(single, byDefault[i], 1e-5f, "text " + i);
            assertArrayEquals(single, bySevens[i], 1e-5f, "text " + i);
        }
        // the texts differ, so a mix-up would show: neighbours are not identical
        assertTrue(!Arrays.equals(byDefault[0], byDefault[1]));
    }

    @Test
    void textsLongerThanTheModelWindowAreEmbeddedWhole() {
        String sentence = "The committee reviewed the proposal and asked for a revised budget. ";
        float[] v = one(sentence.repeat(60));  // about 780 word pieces > 510
        assertEquals(384, v.length);
        assertEquals(1.0, Math.sqrt(dot(v, v)), 1e-4);
        // the window average stays about the repeated sentence (cosine 0.81 with it here)
        assertTrue(cosine(v, one(sentence)) > 0.7);
        assertTrue(cosine(v, one(sentence)) > cosine(v, one("Photosynthesis converts light into chemical energy.")) + 0.3);
    }

    @Test
    void clearErrors() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> embedder.embed(null, List.of("x")));
        assertTrue(e.getMessage().contains("prompt"));
        assertThrows(NullPointerException.class, () -> embedder.embed("p", null));
        e = assertThrows(NullPointerException.class, () -> embedder.embed("p", Arrays.asList("a", null)));
        assertTrue(e.getMessage().contains("completion 1"), e.getMessage());
        e = assertThrows(NullPointerException.class, () -> embedder.embedTexts(Arrays.asList((String) null)));
        assertTrue(e.getMessage().contains("text 0"), e.getMessage());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> embedder.embed(" ", List.of("ok", "")));
        assertTrue(blank.getMessage().contains("text 1 is blank"), blank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MiniLmEmbedder(0));
    }
}

package dev.qprobe.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.util.Utils;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * tokenizer.json through DJL's Hugging Face tokenizers against hf_reference.py's hand-written
 * byte-level BPE (GPT-2 pre-tokenization, byte-to-unicode map, merges by rank), on ASCII,
 * Unicode and whitespace-heavy strings, with and without a post-processor that adds a BOS.
 */
class TokenizerTest {

    @Test
    void idsEqualTheReferenceTokenizers() throws IOException {
        JsonNode cases = HfFixtures.json(HfFixtures.root().resolve("tokenizer-cases.json"));
        check(cases.get("plain"), "gpt2-f32");
        check(cases.get("bos"), "llama-f32");
    }

    private static void check(JsonNode cases, String checkpoint) throws IOException {
        try (HfTokenizer tok = HfTokenizer.load(HfFixtures.dir(checkpoint))) {
            for (Iterator<Map.Entry<String, JsonNode>> it = cases.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> c = it.next();
                int[] ids = tok.encode(c.getKey());
                assertArrayEquals(HfFixtures.ints(c.getValue()), ids, checkpoint + ": \"" + c.getKey() + "\"");
                int skip = checkpoint.startsWith("llama") ? 1 : 0;  // the BOS is special: decoding drops it
                assertEquals(c.getKey(), tok.decode(ids, skip, ids.length), "round trip of \"" + c.getKey() + "\"");
            }
        }
    }

    /** Loading a tokenizer pins DJL to the native library inside the jar and to offline mode. */
    @Test
    void loadingATokenizerNeverDownloads() throws IOException {
        try (HfTokenizer tok = HfTokenizer.load(HfFixtures.dir("gpt2-f32"))) {
            assertEquals("cpu", Utils.getEnvOrSystemProperty("RUST_FLAVOR"));
            assertEquals(true, Utils.isOfflineMode());
        }
    }
}

package dev.qprobe.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The README's memory arithmetic, as the batch plan computes it. */
class BatchPlanTest {

    private static HfConfig codeLlama7b() throws Exception {
        return HfConfig.parse(new ObjectMapper().readTree("{\"model_type\": \"llama\", \"hidden_size\": 4096, "
                + "\"num_hidden_layers\": 32, \"num_attention_heads\": 32, \"num_key_value_heads\": 32, "
                + "\"intermediate_size\": 11008, \"vocab_size\": 32016, \"max_position_embeddings\": 16384, "
                + "\"rope_theta\": 1000000, \"rms_norm_eps\": 1e-5}"));
    }

    @Test
    void codeLlama7bInBf16WithK48On24GbIsDrawnAs28Plus20() throws Exception {
        HfConfig c = codeLlama7b();
        assertEquals(512 * 1024, c.kvBytesPerToken(2), "0.5 MiB of keys and values per token");
        long free = 9_500_000_000L;  // a 24 GB GPU after 13.5 GB of weights and the CUDA context
        int rows = BatchPlan.rows(c, 2, 48, 512, (long) (0.8 * free));
        assertEquals(28, rows);
        assertEquals(48, BatchPlan.rows(c, 2, 48, 512, 40_000_000_000L), "all 48 when they fit");
        assertEquals(1, BatchPlan.rows(c, 2, 48, 512, 1), "at least one row");
    }

    @Test
    void aCapLimitsTheRows() throws Exception {
        System.setProperty(BatchPlan.MAX_ROWS_PROPERTY, "5");
        try {
            assertEquals(5, BatchPlan.rows(codeLlama7b(), 2, 48, 512, 40_000_000_000L));
        } finally {
            System.clearProperty(BatchPlan.MAX_ROWS_PROPERTY);
        }
    }
}

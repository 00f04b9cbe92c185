package dev.qprobe.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs an example's main as it runs from the command line, keeping what it prints. */
final class Console {
    /** An example's main. */
    interface Main {
        void run() throws Exception;
    }

    private Console() {
    }

    /** What {@code main} printed to standard output; echoed there too, for the test log. */
    static String output(Main main) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(original);
            original.print(captured.toString(StandardCharsets.UTF_8));
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}

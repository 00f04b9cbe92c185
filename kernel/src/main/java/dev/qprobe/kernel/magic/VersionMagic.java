package dev.qprobe.kernel.magic;

import dev.qprobe.kernel.engine.EngineInfo;
import dev.qprobe.kernel.eval.EvalResult;
import java.util.List;

/** {@code %version}: the Q-probe and Java versions and the built-in model's device, as the engine's JVM sees them. */
final class VersionMagic implements LineMagic {
    @Override
    public String name() {
        return "version";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String description() {
        return "the Q-probe and Java versions and the device of the built-in model";
    }

    @Override
    public void run(List<String> arguments, MagicContext context) throws MagicException {
        EvalResult r = context.eval("System.out.print(" + EngineInfo.class.getName() + ".describe());");
        if (!r.ok()) {
            throw new MagicException("%version: " + r.error().orElseThrow().message());
        }
    }
}

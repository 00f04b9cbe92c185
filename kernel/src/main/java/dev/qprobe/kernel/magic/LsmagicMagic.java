package dev.qprobe.kernel.magic;

import java.util.List;

/** {@code %lsmagic}: lists the magics. */
final class LsmagicMagic implements LineMagic {
    @Override
    public String name() {
        return "lsmagic";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String description() {
        return "list the magics";
    }

    @Override
    public void run(List<String> arguments, MagicContext context) {
        context.print(context.registry().list());
    }
}

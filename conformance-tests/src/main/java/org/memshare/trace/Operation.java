package org.memshare.trace;

/** One parsed trace operation. Each record holds its arguments, already parsed and range-checked. */
public sealed interface Operation {

    /** The operation's name as a trace spells it. */
    static String nameOf(Operation operation) {
        if (operation instanceof MapRange map) {
            return map.kind().name().toLowerCase(java.util.Locale.ROOT);
        }
        if (operation instanceof ModeQuery) {
            return "mode";
        }
        return operation.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code init arch=A pa_bits=P pool_pages=N vms=K}: a fresh machine. */
    record Init(String arch, long paBits, long poolPages, int vms) implements Operation {
    }

    /** Which half of a map a {@link MapRange} runs. */
    enum MapKind {
        /** Prepare then commit. */
        MAP,
        /** Allocate the tables only. */
        PREPARE,
        /** Commit after a prepare. */
        COMMIT
    }

    /** {@code map|prepare|commit vm begin end mode}. */
    record MapRange(MapKind kind, int vm, long begin, long end, int mode) implements Operation {
    }

    /** {@code unmap vm begin end}. */
    record Unmap(int vm, long begin, long end) implements Operation {
    }

    /** {@code defrag vm}. */
    record Defrag(int vm) implements Operation {
    }

    /** {@code mode vm begin end}. */
    record ModeQuery(int vm, long begin, long end) implements Operation {
    }

    /** {@code dump vm=V}, or {@code dump s1} for the hypervisor's table (vm 0). */
    record Dump(int vm) implements Operation {
        /** The vm number that stands for the hypervisor's stage-1 table. */
        public static final int STAGE1 = 0;
    }

    /** {@code pool}. */
    record Pool() implements Operation {
    }
}

package org.memshare.trace;

import java.util.Map;

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
        if (operation instanceof ShareBytes) {
            return "sharebytes";
        }
        return operation.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * {@code init arch=A pa_bits=P pool_pages=N vms=K [PROPERTY=VALUE]...}: a fresh machine; every
     * further argument is one of the arch's own properties, passed to the plugin, which refuses
     * those it does not understand.
     *
     * @param properties the arch properties in the order given; copied
     * @param policies the named policies ({@code policy=NAME[:ARGS]}) in the order given; copied
     */
    record Init(String arch, long paBits, long poolPages, int vms, Map<String, String> properties,
            java.util.List<String> policies) implements Operation {
        public Init {
            properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
            policies = java.util.List.copyOf(policies);
        }

        /** An {@code init} without named policies. */
        public Init(String arch, long paBits, long poolPages, int vms, Map<String, String> properties) {
            this(arch, paBits, poolPages, vms, properties, java.util.List.of());
        }

        /** An {@code init} without arch properties. */
        public Init(String arch, long paBits, long poolPages, int vms) {
            this(arch, paBits, poolPages, vms, Map.of());
        }
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

    /** One {@code ADDR:PAGES} element of a share's constituent list. */
    record ConstituentArg(long address, long pages) {
    }

    /**
     * {@code share type=T from=F to=R flags=G attrs=A tag=X c=...}: a region built as
     * Hafnium's {@code spci_memory_init} builds it, sent from F to R.
     */
    record Share(int type, int from, int to, int flags, int attrs, int tag, java.util.List<ConstituentArg> constituents)
            implements Operation {
        public Share {
            constituents = java.util.List.copyOf(constituents);
        }
    }

    /** {@code sharebytes type=T from=F to=R hex=HEX}: a message whose region is exactly these bytes. */
    record ShareBytes(int type, int from, int to, byte[] region) implements Operation {
        public ShareBytes {
            region = region.clone();
        }

        @Override
        public byte[] region() {
            return region.clone();
        }
    }

    /** What {@code access} tries. */
    enum AccessKind {
        R, W, X
    }

    /** {@code access vm=V addr=A op=r|w|x}. */
    record Access(int vm, long address, AccessKind kind) implements Operation {
    }

    /** {@code read vm=V addr=A}. */
    record Read(int vm, long address) implements Operation {
    }

    /** {@code write vm=V addr=A value=X}. */
    record Write(int vm, long address, long value) implements Operation {
    }
}

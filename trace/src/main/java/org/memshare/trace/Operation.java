package org.memshare.trace;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;

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
        if (operation instanceof FfaCall call) {
            return call.name();
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
     * @param ffaVersions the VMs' FF-A versions ({@code ffa=}): one per VM, or empty for the
     *     default ({@link FfaVersion#DEFAULT}) everywhere; copied
     */
    record Init(String arch, long paBits, long poolPages, int vms, Map<String, String> properties,
            List<String> policies, List<FfaVersion> ffaVersions) implements Operation {
        public Init {
            properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
            policies = List.copyOf(policies);
            ffaVersions = List.copyOf(ffaVersions);
        }

        /** An {@code init} without FF-A versions: every VM has the default. */
        public Init(String arch, long paBits, long poolPages, int vms, Map<String, String> properties,
                List<String> policies) {
            this(arch, paBits, poolPages, vms, properties, policies, List.of());
        }

        /** An {@code init} without named policies. */
        public Init(String arch, long paBits, long poolPages, int vms, Map<String, String> properties) {
            this(arch, paBits, poolPages, vms, properties, List.of());
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

        /** The region this line sends, built as Hafnium's {@code spci_memory_init} builds it. */
        public org.memshare.api.spci.MemoryRegion region() {
            List<org.memshare.api.spci.Constituent> list = new java.util.ArrayList<>(constituents.size());
            for (ConstituentArg c : constituents) {
                list.add(org.memshare.api.spci.Constituent.of(c.address(), c.pages()));
            }
            return org.memshare.api.spci.MemoryRegion.of(tag, flags,
                    List.of(org.memshare.api.spci.ReceiverAttributes.of(to, attrs)), list);
        }

        /**
         * The same send as a {@code sharebytes} line: the region already encoded. A replay of
         * either does the same and prints the same; {@code memshare bench} encodes share lines
         * this way before it times them, as Hafnium's harness encodes them when it parses.
         */
        public ShareBytes encoded() {
            return new ShareBytes(type, from, to, org.memshare.api.spci.MemoryRegionCodec.encode(region()));
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

        /** The length of the whole message, header and region. */
        int messageLength() {
            return org.memshare.api.spci.MemoryRegionCodec.HEADER_SIZE + region.length;
        }

        /** Writes the whole message at the start of {@code into}, at least {@link #messageLength} long, copying nothing else. */
        void writeMessage(byte[] into) {
            org.memshare.api.spci.MemoryRegionCodec.writeMessage(type, region, into);
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

    // ---- FF-A (docs/traces.md, "FF-A") ---------------------------------------------------------

    /** An FF-A call; {@link #vm()} is the VM that makes it. */
    sealed interface FfaCall extends Operation {
        /** The calling VM. */
        int vm();

        /** The operation's name as a trace spells it. */
        String name();
    }

    /**
     * One receiver of a {@code to=} list: {@code R[:PERM]}.
     *
     * @param id the endpoint id, 0 to 0xffff
     * @param permissions the permissions byte if given, else the operation's default applies
     */
    record ReceiverArg(int id, OptionalInt permissions) {
    }

    /** {@code ffa_version vm=V version=...}: the raw 32-bit request, bit 31 included. */
    record FfaVersionCall(int vm, int requested) implements FfaCall {
        @Override
        public String name() {
            return "ffa_version";
        }
    }

    /**
     * {@code mem_donate|mem_lend|mem_share from=S to=... c=...}: a transaction descriptor built in
     * the sender's layout at replay time, then sent whole or, with {@code fragment}, its first
     * that many bytes.
     *
     * @param vm the sender ({@code from=})
     * @param attributes the attributes, or empty for the default
     * @param fragment how many bytes the first fragment holds, or empty for all
     */
    record MemSend(FfaShareKind kind, int vm, List<ReceiverArg> receivers, OptionalInt attributes, int flags, long tag,
            long handle, List<ConstituentArg> constituents, OptionalLong fragment) implements FfaCall {
        public MemSend {
            receivers = List.copyOf(receivers);
            constituents = List.copyOf(constituents);
        }

        @Override
        public String name() {
            return "mem_" + kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code mem_send type=T vm=S hex=HEX [total=N]}: these bytes in TX, sent as the first fragment. */
    record MemSendBytes(FfaShareKind kind, int vm, byte[] tx, OptionalLong total) implements FfaCall {
        public MemSendBytes {
            tx = tx.clone();
        }

        @Override
        public byte[] tx() {
            return tx.clone();
        }

        @Override
        public String name() {
            return "mem_send";
        }
    }

    /** {@code mem_frag_tx vm=S handle=H hex=HEX [sender=ID]}: these bytes as the next fragment. */
    record MemFragTx(int vm, long handle, byte[] tx, int sender) implements FfaCall {
        public MemFragTx {
            tx = tx.clone();
        }

        @Override
        public byte[] tx() {
            return tx.clone();
        }

        @Override
        public String name() {
            return "mem_frag_tx";
        }
    }

    /**
     * {@code mem_frag_tx vm=S handle=H [length=N] [sender=ID]}: the next bytes of what the VM's last
     * builder send kept back ({@code fragment=}), all that is left when {@code length} is empty.
     */
    record MemFragTxNext(int vm, long handle, OptionalLong length, int sender) implements FfaCall {
        @Override
        public String name() {
            return "mem_frag_tx";
        }
    }

    /**
     * {@code mem_retrieve vm=R handle=H from=S [type=...] [to=...] [attrs=A] [flags=F] [tag=T]}: a
     * retrieve request built in the retriever's layout at replay time.
     *
     * @param type the transaction type put in flag bits 4-3, or empty for 0
     * @param receivers the access descriptors, or empty for the caller alone
     * @param attributes the attributes, or empty for the default
     */
    record MemRetrieve(int vm, long handle, int sender, Optional<FfaShareKind> type, List<ReceiverArg> receivers,
            OptionalInt attributes, int flags, long tag) implements FfaCall {
        public MemRetrieve {
            receivers = List.copyOf(receivers);
        }

        @Override
        public String name() {
            return "mem_retrieve";
        }
    }

    /** {@code mem_retrieve vm=R hex=HEX}: a retrieve request that is exactly these bytes. */
    record MemRetrieveBytes(int vm, byte[] tx) implements FfaCall {
        public MemRetrieveBytes {
            tx = tx.clone();
        }

        @Override
        public byte[] tx() {
            return tx.clone();
        }

        @Override
        public String name() {
            return "mem_retrieve";
        }
    }

    /** {@code mem_frag_rx vm=R handle=H offset=N [sender=ID]}. */
    record MemFragRx(int vm, long handle, int offset, int sender) implements FfaCall {
        @Override
        public String name() {
            return "mem_frag_rx";
        }
    }

    /** {@code rx_release vm=R}. */
    record RxRelease(int vm) implements FfaCall {
        @Override
        public String name() {
            return "rx_release";
        }
    }

    /**
     * {@code mem_relinquish vm=R handle=H [flags=F] [endpoints=ID,...]}.
     *
     * @param endpoints the endpoint ids, or empty for the caller alone
     */
    record MemRelinquish(int vm, long handle, int flags, List<Integer> endpoints) implements FfaCall {
        public MemRelinquish {
            endpoints = List.copyOf(endpoints);
        }

        @Override
        public String name() {
            return "mem_relinquish";
        }
    }

    /** {@code mem_relinquish vm=R hex=HEX}: a relinquish descriptor that is exactly these bytes. */
    record MemRelinquishBytes(int vm, byte[] tx) implements FfaCall {
        public MemRelinquishBytes {
            tx = tx.clone();
        }

        @Override
        public byte[] tx() {
            return tx.clone();
        }

        @Override
        public String name() {
            return "mem_relinquish";
        }
    }

    /** {@code mem_reclaim vm=S handle=H [flags=F]}. */
    record MemReclaim(int vm, long handle, int flags) implements FfaCall {
        @Override
        public String name() {
            return "mem_reclaim";
        }
    }
}

package org.memshare.engine.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.BasicArch;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.arch.UnsupportedConfigurationException;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.mm.TableMemory;
import org.memshare.engine.plugin.ArchRegistry;

/** Making machines never throws on a bad configuration or a broken plugin; it says what is wrong. */
class MachinesTest {

    /** A plugin called {@code name} whose {@code create} does what {@code factory} does. */
    private static ArchPlugin plugin(String name, java.util.function.Function<ArchConfig, Arch> factory) {
        return new ArchPlugin() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<ArchFeature> features() {
                return Set.of();
            }

            @Override
            public Arch create(ArchConfig config) {
                return factory.apply(config);
            }
        };
    }

    private static MachineResult.Failed failed(MachineResult result) {
        return assertInstanceOf(MachineResult.Failed.class, result);
    }

    @Test
    void aFakeMachineHasItsRootsAllocatedInBootOrder() {
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 64, 2), ArchRegistry.of(new FakeArchPlugin()));
        Machine machine = assertInstanceOf(MachineResult.Created.class, result).machine();
        assertEquals(MachineConfig.DEFAULT_POOL_BASE, machine.hypervisorTable().rootAddress());
        assertEquals(MachineConfig.DEFAULT_POOL_BASE + 4 * 4096, machine.vm(1).orElseThrow().table().rootAddress());
        assertEquals(MachineConfig.DEFAULT_POOL_BASE + 8 * 4096, machine.vm(2).orElseThrow().table().rootAddress());
        assertEquals(64 - 9, machine.pool().freeCount());
    }

    @Test
    void anUnknownArchNamesTheArchesFound() {
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("mips", 40, 64, 1),
                ArchRegistry.of(new FakeArchPlugin())));
        assertEquals(MachineResult.Failure.UNKNOWN_ARCH, failed.failure());
        assertEquals("unknown arch 'mips' (found: fake)", failed.message());
    }

    @Test
    void twoPluginsWithOneNameAreReportedAsSuch() {
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("fake", 40, 64, 1),
                ArchRegistry.of(new FakeArchPlugin(), new FakeArchPlugin())));
        assertEquals(MachineResult.Failure.UNKNOWN_ARCH, failed.failure());
        assertTrue(failed.message().startsWith("several arch plugins are called 'fake'"), failed.message());
    }

    @Test
    void aRefusedConfigurationCarriesThePluginsMessage() {
        ArchPlugin picky = plugin("picky", config -> {
            throw new UnsupportedConfigurationException("picky supports 40-bit PA only");
        });
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("picky", 36, 64, 1), ArchRegistry.of(picky)));
        assertEquals(MachineResult.Failure.UNSUPPORTED_CONFIGURATION, failed.failure());
        assertEquals("picky supports 40-bit PA only", failed.message());
    }

    @Test
    void aPluginThatThrowsIsReportedNotPropagated() {
        ArchPlugin crashing = plugin("crashing", config -> {
            throw new IllegalStateException("boom");
        });
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("crashing", 40, 64, 1),
                ArchRegistry.of(crashing)));
        assertEquals(MachineResult.Failure.BROKEN_PLUGIN, failed.failure());
        assertTrue(failed.message().contains("boom"), failed.message());
    }

    @Test
    void aPluginWithAGeometryTheEngineCannotWalkIsRefused() {
        PageTableFormat fake = FakeArchPlugin.format();
        PageTableFormat tooDeep = (PageTableFormat) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {PageTableFormat.class}, (proxy, method, args) ->
                        method.getName().equals("maxLevel") && args[0] == Stage.STAGE2 ? 5 : method.invoke(fake, args));
        ArchPlugin deep = plugin("deep", config -> new BasicArch("deep", tooDeep, TlbMaintenance.NONE,
                CacheMaintenance.NONE, Set.of()));
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("deep", 40, 64, 1), ArchRegistry.of(deep)));
        assertEquals(MachineResult.Failure.BROKEN_PLUGIN, failed.failure());
        assertTrue(failed.message().contains("STAGE2 max level 5"), failed.message());
    }

    /**
     * Max level 4 (five levels, as RISC-V Sv57x4) is the engine's limit and works: the fake format
     * (whose entries shift by twice their level, so level 4 shifts by 8 and loses no bit of a page
     * address or of the mode at bit 48) with one stage-2 root at level 4 covers 2^57 bytes; a page
     * mapped high in it takes a table at each of levels 3, 2, 1 and 0 and reads back its mode.
     */
    @Test
    void aPluginWithFiveLevelsIsWalkedThroughAllFive() {
        PageTableFormat fake = FakeArchPlugin.format();
        PageTableFormat fiveLevels = (PageTableFormat) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {PageTableFormat.class}, (proxy, method, args) -> {
                    if (method.getName().equals("maxLevel") && args[0] == Stage.STAGE2) {
                        return 4;
                    }
                    if (method.getName().equals("rootTableCount") && args[0] == Stage.STAGE2) {
                        return 1;
                    }
                    return method.invoke(fake, args);
                });
        ArchPlugin deep = plugin("five", config -> new BasicArch("five", fiveLevels, TlbMaintenance.NONE,
                CacheMaintenance.NONE, Set.of()));
        MachineResult result = Machines.create(MachineConfig.of("five", 40, 64, 1), ArchRegistry.of(deep));
        Machine machine = assertInstanceOf(MachineResult.Created.class, result, result::toString).machine();
        org.memshare.engine.mm.PageTable table = machine.vm(1).orElseThrow().table();
        assertEquals(4, table.maxLevel());
        assertEquals(1L << 57, table.addressSpaceEnd());
        long free = machine.pool().freeCount();

        // 0xabc_d000_1000 lies in root entry 0 of level 4 (each covers 2^48), below fake's 2^48 limit.
        long page = 0xabc_d000_1000L;
        assertTrue(table.map(org.memshare.api.addr.PhysicalAddress.of(page),
                org.memshare.api.addr.PhysicalAddress.of(page + 4096), Mode.R | Mode.W, machine.pool()));

        assertEquals(free - 4, machine.pool().freeCount(), "one table each at levels 3, 2, 1 and 0");
        java.util.List<String> entries = new java.util.ArrayList<>();
        table.visit((level, address, pte, kind) -> entries.add(level + " " + kind + " 0x" + Long.toHexString(address)));
        assertEquals(java.util.List.of("4 TABLE 0x0", "3 TABLE 0xa8000000000", "2 TABLE 0xabcc0000000",
                "1 TABLE 0xabcd0000000", "0 BLOCK 0xabcd0001000"), entries);
        assertEquals(java.util.OptionalInt.of(Mode.R | Mode.W), table.mode(
                org.memshare.api.addr.IntermediatePhysicalAddress.of(page),
                org.memshare.api.addr.IntermediatePhysicalAddress.of(page + 4096)));
    }

    @Test
    void aPoolTooSmallForTheRootsIsOutOfMemory() {
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("fake", 40, 8, 2),
                ArchRegistry.of(new FakeArchPlugin())));
        assertEquals(MachineResult.Failure.OUT_OF_MEMORY, failed.failure());
    }

    @Test
    void aPoolWhoseAddressesNoEntryCanHoldIsRefusedWithAReason() {
        // The fake arch's entries keep bits 12 to 47 of an address: a pool at 2^48 would make
        // every table entry point at 0, so maps would answer true and map nothing.
        MachineConfig config = new MachineConfig("fake", ArchConfig.withPaBits(40), 64, 1, 1L << 48);
        MachineResult.Failed failed = failed(Machines.create(config, ArchRegistry.of(new FakeArchPlugin())));
        assertEquals(MachineResult.Failure.UNSUPPORTED_CONFIGURATION, failed.failure());
        assertTrue(failed.message().contains("0x1000000000000, which arch 'fake' cannot hold in a page-table entry"),
                failed.message());
        // The pool's last page counts too: a pool that starts below 2^48 and runs past it is refused.
        MachineConfig straddling = new MachineConfig("fake", ArchConfig.withPaBits(40), 512, 1,
                (1L << 48) - (256L << 12));
        failed = failed(Machines.create(straddling, ArchRegistry.of(new FakeArchPlugin())));
        assertTrue(failed.message().contains("reaches 0x10000000ff000"), failed.message());
        // Ending exactly at 2^48 is fine: the last page is 2^48 - 4 KiB.
        MachineConfig below = new MachineConfig("fake", ArchConfig.withPaBits(40), 256, 1, (1L << 48) - (256L << 12));
        assertInstanceOf(MachineResult.Created.class, Machines.create(below, ArchRegistry.of(new FakeArchPlugin())));
    }

    @Test
    void aPoolThatWrapsTheAddressSpaceIsNotAConfiguration() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new MachineConfig("fake", ArchConfig.withPaBits(40), 1L << 36, 1, -(1L << 40)));
        assertTrue(e.getMessage().contains("runs past the end of the 64-bit address space"), e.getMessage());
        // Ending exactly at 2^64 is allowed.
        assertEquals(0, new MachineConfig("fake", ArchConfig.withPaBits(40), 256, 1, -(1L << 20)).poolEnd());
    }

    @Test
    void aMachineWhoseVmsAndRootTablesMayNotFitTheHeapIsRefusedUpFrontSayingWhatToRaise() {
        // 65534 VMs need about 290 MiB besides their tables, and 4 root tables each (1 GiB more).
        MachineConfig manyVms = MachineConfig.of("fake", 40, 300_000, MachineConfig.MAX_VMS);
        MachineResult.Failed failed = failed(Machines.create(manyVms, ArchRegistry.of(new FakeArchPlugin()), 1L << 30));
        assertEquals(MachineResult.Failure.INSUFFICIENT_HEAP, failed.failure());
        assertTrue(failed.message().contains("65534 VMs and their 262137 root tables need 1376 MiB of heap, but this"
                + " JVM may use at most 1024 MiB"), failed.message());
        assertTrue(failed.message().contains("MEMSHARE_JAVA_OPTS=-Xmx2g"), failed.message());
    }

    @Test
    void aPoolLargerThanTheHeapCostsNothingUntilItsPagesHoldTables() {
        // 2^20 pages would hold 4 GiB of tables; only the 13 root tables exist at first.
        MachineConfig big = MachineConfig.of("fake", 40, 1L << 20, 3);
        Machine machine = assertInstanceOf(MachineResult.Created.class,
                Machines.create(big, ArchRegistry.of(new FakeArchPlugin()), 256L << 20)).machine();
        assertEquals(13, machine.tableMemory().tableCount());
        assertEquals(((256L << 20) - Machines.HEAP_RESERVE - 3 * Machines.HEAP_BYTES_PER_VM)
                / Machines.HEAP_BYTES_PER_TABLE, machine.tableMemory().tableLimit());
        PageTable table = machine.vm(1).orElseThrow().table();
        assertTrue(table.map(PhysicalAddress.of(0x4000_0000L), PhysicalAddress.of(0x4000_1000L), Mode.R, machine.pool()));
        assertEquals(15, machine.tableMemory().tableCount(), "one table per level below the root");
        assertEquals(0, machine.tableMemory().heapRefusals());
    }

    @Test
    void aTableThePoolHasButTheHeapCannotHoldFailsTheOperationAsAnEmptyPoolWould() {
        MachineConfig config = MachineConfig.of("fake", 40, 64, 1);
        // Room for the 5 root tables and 3 more.
        long heap = Machines.HEAP_RESERVE + Machines.HEAP_BYTES_PER_VM + 8 * Machines.HEAP_BYTES_PER_TABLE;
        Machine machine = assertInstanceOf(MachineResult.Created.class,
                Machines.create(config, ArchRegistry.of(new FakeArchPlugin()), heap)).machine();
        TableMemory tables = machine.tableMemory();
        PageTable table = machine.vm(1).orElseThrow().table();
        assertTrue(table.map(PhysicalAddress.of(0x4000_0000L), PhysicalAddress.of(0x4000_1000L), Mode.R, machine.pool()));
        long free = machine.pool().freeCount();
        String before = dump(table);

        // A page in another GiB needs a level-1 and a level-0 table: the second one is refused.
        assertFalse(table.map(PhysicalAddress.of(0x8000_0000L), PhysicalAddress.of(0x8000_1000L), Mode.R, machine.pool()));
        assertEquals(1, tables.heapRefusals());
        assertEquals(8, tables.tableCount());
        // As after a pool failure: no mapping changed, the level-1 table the prepare made stays
        // until a defrag, and the refused page went back to the pool.
        assertEquals(free - 1, machine.pool().freeCount());
        table.defrag(machine.pool());
        assertEquals(before, dump(table));
        assertEquals(free, machine.pool().freeCount());
        assertTrue(machine.heapExhaustedReason().contains("this machine holds 8 tables, 0 MiB, of the 8 the heap"
                + " allows): it failed as if the page pool had run out; raise the maximum heap"
                + " (MEMSHARE_JAVA_OPTS=-Xmx1g holds a table in every page of the pool)"), machine.heapExhaustedReason());

        // A map that needs no new table still works; one that needs a page never used for a table
        // does not (the level-1 table comes from a page that held one, the level-0 one would not).
        assertTrue(table.map(PhysicalAddress.of(0x4000_2000L), PhysicalAddress.of(0x4000_3000L), Mode.R, machine.pool()));
        assertFalse(table.map(PhysicalAddress.of(0x8000_0000L), PhysicalAddress.of(0x8000_1000L), Mode.R,
                machine.pool()));
        assertEquals(2, tables.heapRefusals());
        assertEquals(8, tables.tableCount());
        table.defrag(machine.pool());
        // A commit that would need tables the heap cannot hold is refused whole, changing nothing.
        String mapped = dump(table);
        long freeNow = machine.pool().freeCount();
        long refusals = tables.heapRefusals();
        assertFalse(table.commit(PhysicalAddress.of(0xc000_0000L), PhysicalAddress.of(0xc000_1000L), Mode.R,
                machine.pool()));
        assertEquals(refusals + 1, tables.heapRefusals());
        assertEquals(mapped, dump(table));
        assertEquals(freeNow, machine.pool().freeCount());
    }

    private static String dump(PageTable table) {
        StringBuilder out = new StringBuilder();
        table.visit((level, address, pte, kind) -> out.append(level).append(' ').append(Long.toHexString(address))
                .append(' ').append(kind).append(' ').append(Long.toHexString(pte)).append('\n'));
        return out.toString();
    }
}

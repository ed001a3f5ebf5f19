package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.memshare.api.addr.Addresses;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.Message;

/**
 * A booted machine driven through named operations, each of which a rule checks afterwards in
 * {@link #step}: the scenario the TLB and HW rules share. It works in level-1 entries from the
 * second one on, a range where a block may stand (where the format allows it) that every geometry
 * the engine supports can map.
 */
abstract class ScenarioSteps {
    final ArchUnderTest under;
    final Machine machine;
    final Hypervisor hypervisor;
    /** The size of a level-1 entry. */
    final long block;
    /** The first address of the scenario's range: the second level-1 entry. */
    final long base;

    ScenarioSteps(ArchUnderTest under, int poolPages, int vms, int blocksNeeded) {
        this.under = under;
        this.machine = under.boot(poolPages, vms);
        this.hypervisor = new Hypervisor(machine);
        this.block = Addresses.entrySize(1);
        this.base = block;
        long end = PageTable.addressSpaceEnd(machine.arch().format(), Stage.STAGE2);
        if (Long.compareUnsigned(base + blocksNeeded * block, end) > 0) {
            throw new IllegalStateException(under + ": stage-2 address space ends at 0x" + Long.toHexString(end));
        }
    }

    /** Runs {@code change}, described by {@code operation}, and checks what the rule checks. */
    abstract void step(String operation, Runnable change);

    Vm vm(int id) {
        return machine.vm(id).orElseThrow();
    }

    void map(int vm, long begin, long end, int mode) {
        step("map vm=" + vm + " 0x" + Long.toHexString(begin) + " 0x" + Long.toHexString(end) + " mode "
                + Mode.describe(mode) + " (0x" + Integer.toHexString(mode) + ")",
                () -> assertTrue(vm(vm).table().map(PhysicalAddress.of(begin), PhysicalAddress.of(end), mode,
                        machine.pool()), "the pool ran out: " + under));
    }

    void unmap(int vm, long begin, long end) {
        step("unmap vm=" + vm + " 0x" + Long.toHexString(begin) + " 0x" + Long.toHexString(end),
                () -> assertTrue(vm(vm).table().unmap(PhysicalAddress.of(begin), PhysicalAddress.of(end),
                        machine.pool()), "the pool ran out: " + under));
    }

    void defrag(int vm) {
        step("defrag vm=" + vm, () -> vm(vm).table().defrag(machine.pool()));
    }

    void share(ShareType type, int from, int to, int accessCode, long... constituents) {
        Message message = Message.of(type, from, to).accessCode(accessCode).pagePairs(constituents);
        String line = message.traceLine();
        step(line, () -> {
            SpciResult result = message.sendAndRelease(hypervisor);
            assertTrue(result.isSuccess(), under + ": " + line + " was refused: " + result);
        });
    }
}

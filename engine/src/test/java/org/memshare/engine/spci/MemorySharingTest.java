package org.memshare.engine.spci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.sharing.VmLocks;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * {@link MemorySharing} called directly with a region built in code (not decoded from a message)
 * applies the decoder's rules too, so no caller can bypass them.
 */
class MemorySharingTest {
    private Machine machine;
    private MemorySharing sharing;
    private Vm vm1;
    private Vm vm2;

    @BeforeEach
    void boot() {
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 64, 2), ArchRegistry.of(new FakeArchPlugin()));
        machine = assertInstanceOf(MachineResult.Created.class, result).machine();
        sharing = new MemorySharing(machine, List.of());
        vm1 = machine.vm(1).orElseThrow();
        vm2 = machine.vm(2).orElseThrow();
        assertTrue(vm1.table().map(PhysicalAddress.of(0), PhysicalAddress.of(0x10_0000), Mode.R | Mode.W | Mode.X,
                machine.pool()));
    }

    private SpciResult lend(List<ReceiverAttributes> attributes, Constituent... constituents) {
        try (VmLocks held = VmLocks.lock(vm1, vm2)) {
            return sharing.share(vm1, vm2, ShareType.LEND, MemoryRegion.of(0, 0, attributes, List.of(constituents)));
        }
    }

    private static List<ReceiverAttributes> toVm2() {
        return List.of(ReceiverAttributes.of(2, 0x60));
    }

    @Test
    void aWellFormedRegionIsLent() {
        assertTrue(lend(toVm2(), Constituent.of(0x1000, 2)).isSuccess());
    }

    @Test
    void anUnalignedConstituentIsInvalidEvenWhenBuiltInCode() {
        long free = machine.pool().freeCount();
        SpciResult result = lend(toVm2(), Constituent.of(0x1800, 1));
        assertEquals(Optional.of(SpciError.INVALID_PARAMETERS), result.error(), result::toString);
        assertEquals(free, machine.pool().freeCount());
        assertEquals(Mode.R | Mode.W | Mode.X, vm1.table().mode(PhysicalAddress.of(0x1000).toIpa(),
                PhysicalAddress.of(0x3000).toIpa()).getAsInt());
    }

    @Test
    void overlappingConstituentsAreInvalidEvenWhenBuiltInCode() {
        SpciResult result = lend(toVm2(), Constituent.of(0x1000, 2), Constituent.of(0x2000, 1));
        assertEquals(Optional.of(SpciError.INVALID_PARAMETERS), result.error(), result::toString);
    }

    @Test
    void aRegionWithoutAReceiverEntryIsInvalidNotAnException() {
        SpciResult result = lend(List.of(), Constituent.of(0x1000, 1));
        assertEquals(Optional.of(SpciError.INVALID_PARAMETERS), result.error(), result::toString);
    }
}

package org.memshare.engine.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.plugin.ArchRegistry;

/** Why an access, read or write faults, as the hypervisor says it; and that an allowed one has no reason. */
class AccessReasonTest {
    private static final long PAGE = 0x10000;
    private Hypervisor hypervisor;

    @BeforeEach
    void boot() {
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 64, 2), ArchRegistry.of(new FakeArchPlugin()));
        Machine machine = assertInstanceOf(MachineResult.Created.class, result).machine();
        assertTrue(machine.vm(1).orElseThrow().table().map(PhysicalAddress.of(PAGE), PhysicalAddress.of(PAGE + 0x2000),
                Mode.R | Mode.W | Mode.X, machine.pool()));
        hypervisor = new Hypervisor(machine);
        // VM 1 lends its second page to VM 2 read-only: VM 1 keeps it invalid, VM 2 reads R|UNOWNED.
        assertTrue(hypervisor.send(1, 2, MemoryRegionCodec.encodeMessage(ShareType.LEND, MemoryRegion.of(0, 0,
                List.of(ReceiverAttributes.of(2, 0x00)), List.of(Constituent.of(PAGE + 0x1000, 1))))).isSuccess());
        hypervisor.release(2);
    }

    @Test
    void aWriteWithoutWNamesTheModeItMet() {
        AccessResult result = hypervisor.writeResult(2, PAGE + 0x1008, 5);
        assertFalse(result.allowed());
        assertEquals("VM 2 has no write access at 0x11008: mode R|UNOWNED (0x21)", result.fault());
        assertFalse(hypervisor.write(2, PAGE + 0x1008, 5));
    }

    @Test
    void memoryLentAwayIsNotValidForItsOwner() {
        AccessResult result = hypervisor.accessResult(1, PAGE + 0x1000, Hypervisor.Access.READ);
        assertEquals("VM 1 has no read access at 0x11000: mode R|W|X|INVALID (0x17), not valid in its stage-2 table",
                result.fault());
        assertEquals("VM 2 has no execute access at 0x10000: mode INVALID|UNOWNED|SHARED (0x70), not valid in its"
                + " stage-2 table", hypervisor.accessResult(2, PAGE, Hypervisor.Access.EXECUTE).fault());
    }

    @Test
    void anAddressBeyondTheAddressSpaceHasNoMode() {
        AccessResult result = hypervisor.readResult(1, 0x200_0000_0000L);
        assertEquals("VM 1 has no mode at 0x20000000000: the range ends at 0x20000001000, beyond the address space"
                + " (it ends at 0x20000000000)", result.fault());
    }

    @Test
    void unalignedAndUnknownVmsAreFaultsWithTheirReason() {
        assertEquals("0x10004 is not 8-byte aligned", hypervisor.readResult(1, PAGE + 4).fault());
        assertEquals("0x10004 is not 8-byte aligned", hypervisor.writeResult(1, PAGE + 4, 1).fault());
        assertEquals("no VM 3 (this machine has VMs 1 to 2)", hypervisor.readResult(3, PAGE).fault());
        assertEquals("no VM 3 (this machine has VMs 1 to 2)", hypervisor.accessResult(3, PAGE, Hypervisor.Access.READ).fault());
    }

    @Test
    void anAllowedAccessHasNoFaultAndAReadItsValue() {
        assertTrue(hypervisor.writeResult(1, PAGE + 8, 0x1234).allowed());
        AccessResult read = hypervisor.readResult(1, PAGE + 8);
        assertEquals(new AccessResult(true, 0x1234, ""), read);
        assertEquals("", hypervisor.accessResult(2, PAGE + 0x1000, Hypervisor.Access.READ).fault());
    }
}

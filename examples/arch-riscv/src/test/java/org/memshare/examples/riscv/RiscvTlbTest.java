package org.memshare.examples.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.VirtualAddress;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbObserver;

class RiscvTlbTest {
    private final RiscvTlb tlb = new RiscvTlb();
    private final List<Fence> fences = new ArrayList<>();
    private final List<String> seen = new ArrayList<>();

    RiscvTlbTest() {
        tlb.addFenceListener(fences::add);
        tlb.addObserver(new TlbObserver() {
            @Override
            public void invalidatePage(Stage stage, int vmId, long address) {
                seen.add(stage + " " + vmId + " 0x" + Long.toHexString(address));
            }

            @Override
            public void invalidateAll(Stage stage, int vmId) {
                seen.add(stage + " " + vmId + " all");
            }
        });
    }

    @Test
    void gStagePagesAreFencedByGuestPhysicalAddressShiftedRightByTwo() {
        // [0x8020_0800, 0x8020_1800) rounds out to pages 0x8020_0000 and 0x8020_1000;
        // rs1 = GPA >>> 2: 0x2008_0000 and 0x2008_0400; rs2 = the VMID, 3.
        tlb.invalidateStage2(3, IntermediatePhysicalAddress.of(0x8020_0800L), IntermediatePhysicalAddress.of(0x8020_1800L));
        assertEquals(List.of(new Fence("HFENCE.GVMA", 0x2008_0000L, 3), new Fence("HFENCE.GVMA", 0x2008_0400L, 3)), fences);
        assertEquals(List.of("STAGE2 3 0x80200000", "STAGE2 3 0x80201000"), seen);
        assertEquals("HFENCE.GVMA 0x20080000, 0x3", fences.get(0).toString());
    }

    @Test
    void aLargeRangeFencesTheWholeVmid() {
        tlb.invalidateStage2(2, IntermediatePhysicalAddress.of(0), IntermediatePhysicalAddress.of(33 * 4096L));
        assertEquals(List.of(Fence.hfenceGvmaAll(2)), fences);
        assertEquals("HFENCE.GVMA x0, 0x2", fences.get(0).toString());
        assertEquals(List.of("STAGE2 2 all"), seen);
    }

    @Test
    void theHypervisorsTableIsFencedWithSfenceVma() {
        tlb.invalidateStage1(VirtualAddress.of(0x4000_0000L), VirtualAddress.of(0x4000_1000L));
        assertEquals(List.of(new Fence("SFENCE.VMA", 0x4000_0000L, Fence.ALL)), fences);
        assertEquals(List.of("STAGE1 -1 0x40000000"), seen);
    }
}

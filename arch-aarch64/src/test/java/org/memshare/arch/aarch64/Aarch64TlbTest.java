package org.memshare.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.VirtualAddress;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbObserver;

class Aarch64TlbTest {
    private static final long PAGE = 4096;

    private final Aarch64Tlb tlb = new Aarch64Tlb();
    private final RecordingTlbObserver recorder = new RecordingTlbObserver();

    private static IntermediatePhysicalAddress ipa(long value) {
        return IntermediatePhysicalAddress.of(value);
    }

    @Test
    void stage2RangeOf512PagesIsInvalidatedPageByPage() {
        tlb.addObserver(recorder);
        long begin = 0x4000_0000L;
        tlb.invalidateStage2(3, ipa(begin), ipa(begin + 512 * PAGE));
        assertEquals(512, recorder.count("page STAGE2 vm 3 "));
        assertEquals(0, recorder.count("all"));
        assertEquals(begin, recorder.pages.get(0));
        assertEquals(begin + 511 * PAGE, recorder.pages.get(511));
        // Every page once, in order.
        for (int i = 0; i < 512; i++) {
            assertEquals(begin + i * PAGE, recorder.pages.get(i));
        }
        // Then the VM's stage-1 translations, once, last.
        assertEquals("guest stage 1 vm 3", recorder.events.get(recorder.events.size() - 1));
        assertEquals(1, recorder.count("guest"));
    }

    @Test
    void stage2RangeOf513PagesInvalidatesTheWholeVm() {
        tlb.addObserver(recorder);
        tlb.invalidateStage2(3, ipa(0), ipa(513 * PAGE));
        assertEquals(List.of("all STAGE2 vm 3"), recorder.events);
    }

    @Test
    void stage1Granularity() {
        tlb.addObserver(recorder);
        tlb.invalidateStage1(VirtualAddress.of(0x1000), VirtualAddress.of(0x3000));
        assertEquals(List.of("page STAGE1 vm -1 0x1000", "page STAGE1 vm -1 0x2000"), recorder.events);
        recorder.events.clear();
        tlb.invalidateStage1(VirtualAddress.of(0), VirtualAddress.of(513 * PAGE));
        assertEquals(List.of("all STAGE1 vm -1"), recorder.events);
        recorder.events.clear();
        // Exactly 512 pages at stage 1: page by page, and no guest invalidation.
        tlb.invalidateStage1(VirtualAddress.of(0), VirtualAddress.of(512 * PAGE));
        assertEquals(512, recorder.events.size());
        assertEquals(0, recorder.count("guest"));
    }

    /* One byte over 512 pages is over the threshold: Hafnium compares the size in bytes. */
    @Test
    void thresholdIsInBytes() {
        tlb.addObserver(recorder);
        tlb.invalidateStage2(1, ipa(0), ipa(512 * PAGE + 1));
        assertEquals(List.of("all STAGE2 vm 1"), recorder.events);
    }

    /* Pages run from begin >> 12 up to end >> 12, exclusive: a partial last page is left out, as in Hafnium. */
    @Test
    void unalignedRangeCountsPagesAsHafniumDoes() {
        tlb.addObserver(recorder);
        tlb.invalidateStage2(1, ipa(0x1800), ipa(0x3800));
        assertEquals(List.of(0x1000L, 0x2000L), recorder.pages);
    }

    /* An end below the begin is a huge unsigned size: everything goes. An empty range: nothing but the stage-1 invalidation. */
    @Test
    void reversedAndEmptyRanges() {
        tlb.addObserver(recorder);
        tlb.invalidateStage2(2, ipa(0x5000), ipa(0x4000));
        assertEquals(List.of("all STAGE2 vm 2"), recorder.events);
        recorder.events.clear();
        tlb.invalidateStage2(2, ipa(0x5000), ipa(0x5000));
        assertEquals(List.of("guest stage 1 vm 2"), recorder.events);
    }

    @Test
    void unobservedCallsRecordNothingAndRemovalStopsReporting() {
        assertFalse(tlb.isObserved());
        tlb.invalidateStage2(1, ipa(0), ipa(PAGE)); // nobody is told
        tlb.addObserver(recorder);
        assertTrue(tlb.isObserved());
        tlb.invalidateStage2(1, ipa(0), ipa(PAGE));
        assertEquals(2, recorder.events.size());
        assertTrue(tlb.removeObserver(recorder));
        assertFalse(tlb.removeObserver(recorder));
        assertFalse(tlb.isObserved());
        tlb.invalidateStage2(1, ipa(0), ipa(PAGE));
        assertEquals(2, recorder.events.size());
    }

    @Test
    void everyObserverSeesEveryInstruction() {
        RecordingTlbObserver second = new RecordingTlbObserver();
        tlb.addObserver(recorder);
        tlb.addObserver(second);
        tlb.invalidateStage2(4, ipa(0x10_0000), ipa(0x10_3000));
        assertEquals(recorder.events, second.events);
        assertEquals(4, second.events.size());
    }

    @Test
    void defaultGuestStage1CallbackIsOptional() {
        int[] pages = {0};
        tlb.addObserver(new TlbObserver() {
            @Override
            public void invalidatePage(Stage stage, int vmId, long address) {
                pages[0]++;
            }

            @Override
            public void invalidateAll(Stage stage, int vmId) {
                pages[0] = -1000;
            }
        });
        tlb.invalidateStage2(1, ipa(0), ipa(3 * PAGE));
        assertEquals(3, pages[0]);
    }
}

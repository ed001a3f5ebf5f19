package org.memshare.examples.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.VirtualAddress;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbObserver;

class TutorialTlbTest {

    /** Writes down every instruction, one line each. */
    private static final class Recorder implements TlbObserver {
        final List<String> seen = new ArrayList<>();

        @Override
        public void invalidatePage(Stage stage, int vmId, long address) {
            seen.add(stage + " vm " + vmId + " page 0x" + Long.toHexString(address));
        }

        @Override
        public void invalidateAll(Stage stage, int vmId) {
            seen.add(stage + " vm " + vmId + " all");
        }

        @Override
        public void invalidateGuestStage1(int vmId) {
            seen.add("guest stage 1 of vm " + vmId);
        }
    }

    private final TutorialTlb tlb = new TutorialTlb();
    private final Recorder recorder = new Recorder();

    private static IntermediatePhysicalAddress ipa(long value) {
        return IntermediatePhysicalAddress.of(value);
    }

    @Test
    void aSmallStage2RangeGoesPageByPageThenTheGuestsStage1() {
        tlb.addObserver(recorder);

        tlb.invalidateStage2(3, ipa(0x10_0000), ipa(0x10_3000));

        assertEquals(List.of("STAGE2 vm 3 page 0x100000", "STAGE2 vm 3 page 0x101000", "STAGE2 vm 3 page 0x102000",
                "guest stage 1 of vm 3"), recorder.seen);
    }

    @Test
    void aPartialPageAtEitherEndIsInvalidatedToo() {
        tlb.addObserver(recorder);

        tlb.invalidateStage1(VirtualAddress.of(0x1800), VirtualAddress.of(0x2001));

        assertEquals(List.of("STAGE1 vm -1 page 0x1000", "STAGE1 vm -1 page 0x2000"), recorder.seen);
    }

    @Test
    void thirtyTwoPagesGoOneByOneAndThirtyThreeInvalidateEverything() {
        tlb.addObserver(recorder);

        tlb.invalidateStage2(1, ipa(0), ipa(32 * 0x1000L));
        assertEquals(33, recorder.seen.size(), "32 pages and the guest's stage 1");

        recorder.seen.clear();
        tlb.invalidateStage2(1, ipa(0), ipa(33 * 0x1000L));
        assertEquals(List.of("STAGE2 vm 1 all"), recorder.seen);
    }

    @Test
    void aRangeThatWrapsInvalidatesEverything() {
        tlb.addObserver(recorder);

        tlb.invalidateStage1(VirtualAddress.of(0x5000), VirtualAddress.of(0x1000));
        tlb.invalidateStage2(2, ipa(-0x1000L), ipa(-1L));

        assertEquals(List.of("STAGE1 vm -1 all", "STAGE2 vm 2 all"), recorder.seen);
    }

    @Test
    void anEmptyRangeInvalidatesNothing() {
        tlb.addObserver(recorder);

        tlb.invalidateStage2(1, ipa(0x4000), ipa(0x4000));

        assertTrue(recorder.seen.isEmpty());
    }

    @Test
    void everyRegistrationReportsAndARemovedObserverHearsNothing() {
        tlb.addObserver(recorder);
        tlb.addObserver(recorder);
        tlb.invalidateStage1(VirtualAddress.of(0), VirtualAddress.of(0x1000));
        assertEquals(2, recorder.seen.size());

        assertTrue(tlb.removeObserver(recorder));
        assertTrue(tlb.removeObserver(recorder));
        assertFalse(tlb.removeObserver(recorder));
        tlb.invalidateStage1(VirtualAddress.of(0), VirtualAddress.of(0x1000));
        assertEquals(2, recorder.seen.size());
    }
}

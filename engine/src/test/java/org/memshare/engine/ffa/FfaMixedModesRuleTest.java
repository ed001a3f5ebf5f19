package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGE;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RO;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.c;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.mode.Mode;
import org.memshare.engine.sharing.ModeScan;

/**
 * The one deliberate difference the check tests run into (docs/ffa.md): memshare requires every
 * constituent to have the same mode, where Hafnium main's constituents_get_mode compares only
 * constituents of later fragments, with the last one of the first fragment. The same send is
 * refused by memshare and, with the engine built on Hafnium's rule, goes through as Hafnium lets
 * it: judged by its last constituent alone, so the read-only page's mode is taken for both pages,
 * and the reclaim leaves the other page read-only too.
 */
class FfaMixedModesRuleTest {
    private static final List<FfaConstituent> RWX_THEN_READ_ONLY = List.of(c(PAGES, 1), c(PAGES + 10 * PAGE, 1));

    private static byte[] lendReadOnly(FfaSteps s) {
        return s.send(FfaShareKind.LEND, P).to(S1, RO).of(RWX_THEN_READ_ONLY).bytes();
    }

    @ParameterizedTest(name = "memshare refuses a single-fragment send of pages in two modes on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void memshareComparesEveryConstituent(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.f.map(P, PAGES + 10 * PAGE, 1, Mode.R);
        s.refusedUnchanged(FfaCheck.SEND_MIXED_MODES, () -> s.sendBytes(FfaShareKind.LEND, P, lendReadOnly(s)));
    }

    @ParameterizedTest(name = "Hafnium's rule judges the same send by its last constituent on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void hafniumJudgesByTheLastConstituentOfTheFirstFragment(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.f.map(P, PAGES + 10 * PAGE, 1, Mode.R);
        FfaMemory hafniumRule = new FfaMemory(s.f.machine, ModeScan.Rule.FIRST_FRAGMENT_UNCOMPARED);
        assertEquals(FfaResult.Function.VERSION, hafniumRule.version(P, FfaVersion.COMPILED.encoded()).function());
        byte[] tx = lendReadOnly(s);
        FfaResult sent = hafniumRule.memSend(P, FfaShareKind.LEND, tx, tx.length);
        assertEquals(FfaResult.Function.SUCCESS, sent.function(), sent::toString);
        s.f.assertMapped("after the lend", PAGES, 1, P, Mode.R | Mode.INVALID);
        s.f.assertMapped("after the lend", PAGES + 10 * PAGE, 1, P, Mode.R | Mode.INVALID);
        // The reclaim restores the mode the send recorded, the read-only page's, to both pages.
        assertEquals(FfaResult.Function.SUCCESS, hafniumRule.reclaim(P, sent.handle().orElseThrow(), 0).function());
        s.f.assertMapped("after the reclaim", PAGES, 1, P, Mode.R);
        s.f.assertMapped("after the reclaim", PAGES + 10 * PAGE, 1, P, Mode.R);
    }
}

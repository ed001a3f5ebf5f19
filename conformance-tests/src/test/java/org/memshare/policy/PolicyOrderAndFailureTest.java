package org.memshare.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.strict.ThreeVms.RW_NX;
import static org.memshare.strict.ThreeVms.VM1_BASE;
import static org.memshare.strict.ThreeVms.c;
import static org.memshare.strict.ThreeVms.message;
import static org.memshare.strict.ThreeVms.send;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import java.util.Optional;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.kit.fixture.Snapshot;
import org.memshare.strict.ThreeVms;
import org.memshare.testing.OnEachArch;

/** Policies are asked in the order they were bound, and one that fails refuses instead of throwing. */
class PolicyOrderAndFailureTest {

    /** Binds one policy that refuses everything with {@code reason}. */
    private static AbstractModule refusing(String reason) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding()
                        .toInstance(request -> Optional.of(reason));
            }
        };
    }

    private static byte[] lend() {
        return message(ShareType.LEND, 2, RW_NX, 0, c(VM1_BASE, 4));
    }

    @OnEachArch
    void theFirstRefusalInBindingOrderIsTheAnswer(ArchUnderTest under) {
        for (int run = 0; run < 5; run++) {
            KitMachine fixture = ThreeVms.boot(under, refusing("first"), refusing("second"),
                    refusing("third"));
            SpciResult result = send(fixture, 1, 2, lend());
            assertEquals(Optional.of(SpciError.DENIED), result.error());
            assertEquals("first", result.reason());
        }
    }

    @OnEachArch
    void aPolicyThatThrowsRefusesAndChangesNothing(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under, new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(request -> {
                    throw new IllegalStateException("policy store unreachable");
                });
            }
        });
        Snapshot before = fixture.snapshot();
        SpciResult result = send(fixture, 1, 2, lend());
        assertEquals(Optional.of(SpciError.DENIED), result.error());
        assertTrue(result.reason().contains("policy store unreachable"), result.reason());
        assertEquals(before, fixture.snapshot());
    }

    @OnEachArch
    void aPolicyThatAnswersNullRefuses(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under, new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(request -> null);
            }
        });
        SpciResult result = send(fixture, 1, 2, lend());
        assertEquals(Optional.of(SpciError.DENIED), result.error());
        assertTrue(result.reason().contains("answered null"), result.reason());
    }
}

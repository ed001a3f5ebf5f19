package org.memshare.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.strict.MachineFixture.RW_NX;
import static org.memshare.strict.MachineFixture.VM1_BASE;
import static org.memshare.strict.MachineFixture.c;
import static org.memshare.strict.MachineFixture.message;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import java.util.Optional;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.spci.SpciResult;
import org.memshare.strict.MachineFixture;
import org.memshare.strict.OnBothArches;

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

    @OnBothArches
    void theFirstRefusalInBindingOrderIsTheAnswer(String arch) {
        for (int run = 0; run < 5; run++) {
            MachineFixture fixture = MachineFixture.create(arch, refusing("first"), refusing("second"),
                    refusing("third"));
            SpciResult result = fixture.send(1, 2, lend());
            assertEquals(Optional.of(SpciError.DENIED), result.error());
            assertEquals("first", result.reason());
        }
    }

    @OnBothArches
    void aPolicyThatThrowsRefusesAndChangesNothing(String arch) {
        MachineFixture fixture = MachineFixture.create(arch, new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(request -> {
                    throw new IllegalStateException("policy store unreachable");
                });
            }
        });
        MachineFixture.Snapshot before = fixture.snapshot();
        SpciResult result = fixture.send(1, 2, lend());
        assertEquals(Optional.of(SpciError.DENIED), result.error());
        assertTrue(result.reason().contains("policy store unreachable"), result.reason());
        assertEquals(before, fixture.snapshot());
    }

    @OnBothArches
    void aPolicyThatAnswersNullRefuses(String arch) {
        MachineFixture fixture = MachineFixture.create(arch, new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(request -> null);
            }
        });
        SpciResult result = fixture.send(1, 2, lend());
        assertEquals(Optional.of(SpciError.DENIED), result.error());
        assertTrue(result.reason().contains("answered null"), result.reason());
    }
}

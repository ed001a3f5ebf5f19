package org.memshare.engine.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.inject.Module;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.memshare.api.policy.SharePolicy;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.plugin.ArchRegistry;

/** The modules install their policy, and only they do, through the engine's one injector. */
class PolicyModulesTest {
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();

    private static Machine machine(Module... modules) {
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 64, 3), REGISTRY, modules);
        return assertInstanceOf(MachineResult.Created.class, result, result::toString).machine();
    }

    @Test
    void theDefaultMachineInstallsNoPolicy() {
        assertEquals(List.of(), machine().policies());
    }

    @Test
    void theNoExecutableMemoryModuleInstallsItsPolicy() {
        List<SharePolicy> policies = machine(new NoExecutableMemoryModule(3, 2)).policies();

        assertEquals(1, policies.size());
        NoExecutableMemoryPolicy policy = assertInstanceOf(NoExecutableMemoryPolicy.class, policies.iterator().next());
        assertEquals(Set.of(2, 3), policy.vmIds());
        assertEquals(Set.of(1), ((NoExecutableMemoryPolicy) machine(new NoExecutableMemoryModule(List.of(1)))
                .policies().iterator().next()).vmIds());
    }

    @Test
    void theDonateOnlyWithClearModuleInstallsItsPolicy() {
        List<SharePolicy> policies = machine(new DonateOnlyWithClearModule()).policies();

        assertEquals(1, policies.size());
        assertInstanceOf(DonateOnlyWithClearPolicy.class, policies.iterator().next());
    }

    @Test
    void modulesCombineAndCanBeReused() {
        Module noExec = new NoExecutableMemoryModule(3);
        Module donate = new DonateOnlyWithClearModule();

        Set<Class<?>> first = classes(machine(noExec, donate));
        Set<Class<?>> second = classes(machine(donate, noExec));

        assertEquals(Set.of(NoExecutableMemoryPolicy.class, DonateOnlyWithClearPolicy.class), first);
        assertEquals(first, second);
    }

    @Test
    void badVmIdsAreRefusedWhenTheModuleIsMadeNotWhenTheMachineIs() {
        assertThrows(IllegalArgumentException.class, () -> new NoExecutableMemoryModule());
        assertThrows(IllegalArgumentException.class, () -> new NoExecutableMemoryModule(0));
        assertThrows(IllegalArgumentException.class, () -> new NoExecutableMemoryModule(List.of()));
        assertThrows(NullPointerException.class, () -> new NoExecutableMemoryModule((List<Integer>) null));
        // The largest VM id is accepted.
        assertEquals(Set.of(MachineConfig.MAX_VMS), ((NoExecutableMemoryPolicy) machine(
                new NoExecutableMemoryModule(MachineConfig.MAX_VMS)).policies().iterator().next()).vmIds());
    }

    private static Set<Class<?>> classes(Machine machine) {
        return machine.policies().stream().map(Object::getClass).collect(Collectors.toSet());
    }
}

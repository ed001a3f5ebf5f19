package org.memshare.engine.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.plugin.ArchRegistry;

/** Several VMs locked in id order, each once, released all. */
class VmLocksTest {
    private static Machine machine() {
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 64, 4), ArchRegistry.of(new FakeArchPlugin()));
        return assertInstanceOf(MachineResult.Created.class, result).machine();
    }

    @Test
    void locksEachVmOnceAndReleasesThemAll() {
        Machine m = machine();
        Vm one = m.vm(1).orElseThrow();
        Vm three = m.vm(3).orElseThrow();
        try (VmLocks held = VmLocks.lock(three, one, three)) {
            assertEquals(1, three.lock().getHoldCount(), "a VM listed twice is locked once");
            assertTrue(one.lock().isHeldByCurrentThread());
        }
        assertFalse(one.lock().isLocked());
        assertFalse(three.lock().isLocked());
    }

    @Test
    void twoVmsAreLockedOnceEachAndTheSameVmTwiceOnce() {
        Machine m = machine();
        Vm two = m.vm(2).orElseThrow();
        Vm four = m.vm(4).orElseThrow();
        try (VmLocks held = VmLocks.lock(four, two)) {
            assertEquals(1, two.lock().getHoldCount());
            assertEquals(1, four.lock().getHoldCount());
        }
        try (VmLocks held = VmLocks.lock(two, two)) {
            assertEquals(1, two.lock().getHoldCount(), "a VM given twice is locked once");
        }
        assertFalse(two.lock().isLocked());
        assertFalse(four.lock().isLocked());
    }

    @Test
    void opposingPairsDoNotDeadlock() throws Exception {
        Machine m = machine();
        Vm one = m.vm(1).orElseThrow();
        Vm three = m.vm(3).orElseThrow();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (boolean forward : new boolean[] {true, false}) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        try (VmLocks held = forward ? VmLocks.lock(one, three) : VmLocks.lock(three, one)) {
                            Thread.onSpinWait();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertFalse(one.lock().isLocked());
        assertFalse(three.lock().isLocked());
    }

    @Test
    void opposingOrdersDoNotDeadlock() throws Exception {
        Machine m = machine();
        List<Vm> forward = m.vms();
        List<Vm> backward = new ArrayList<>(forward);
        Collections.reverse(backward);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<Vm> order : List.of(forward, backward)) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        try (VmLocks held = VmLocks.lock(order)) {
                            Thread.onSpinWait();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (Vm vm : m.vms()) {
            assertFalse(vm.lock().isLocked());
        }
    }
}

package org.memshare.engine.hypervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.engine.spci.SpciResult;

/** The hypervisor's calls keep their checks and their effects together, even with threads racing. */
class HypervisorTest {
    private static final long PAGE = 0x10000;

    private static Hypervisor boot(int vms, Module... modules) {
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 64, vms),
                ArchRegistry.of(new FakeArchPlugin()), modules);
        Machine machine = assertInstanceOf(MachineResult.Created.class, result).machine();
        assertTrue(machine.vm(1).orElseThrow().table().map(PhysicalAddress.of(PAGE), PhysicalAddress.of(PAGE + 0x1000),
                Mode.R | Mode.W | Mode.X, machine.pool()));
        return new Hypervisor(machine);
    }

    private static byte[] message(ShareType type, int receiver, int flags) {
        return MemoryRegionCodec.encodeMessage(type, MemoryRegion.of(0, flags,
                List.of(ReceiverAttributes.of(receiver, 0x70)), List.of(Constituent.of(PAGE, 1))));
    }

    @Test
    void aSendRefusedBeforeTheBufferIsReadLeavesTheSendBufferAlone() {
        Hypervisor hypervisor = boot(2);
        byte[] first = message(ShareType.LEND, 2, 0);
        assertTrue(hypervisor.send(1, 2, first).isSuccess());
        hypervisor.release(2);

        SpciResult refused = hypervisor.send(1, 7, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(Optional.of(SpciError.INVALID_PARAMETERS), refused.error());
        byte[] buffer = hypervisor.machine().vm(1).orElseThrow().mailbox().copyOfSendBuffer(first.length);
        assertArrayEquals(first, buffer, "a send to a VM that does not exist must not touch the send buffer");
    }

    @Test
    void aSendRefusedWithBusyLeavesTheSendBufferAlone() {
        Hypervisor hypervisor = boot(3);
        byte[] first = message(ShareType.SHARE, 2, 0);
        assertTrue(hypervisor.send(1, 2, first).isSuccess(), "VM 2's mailbox is now busy");
        byte[] other = message(ShareType.LEND, 2, MemoryRegion.FLAG_CLEAR);
        assertEquals(Optional.of(SpciError.BUSY), hypervisor.send(1, 2, other).error());
        byte[] buffer = hypervisor.machine().vm(1).orElseThrow().mailbox().copyOfSendBuffer(first.length);
        assertArrayEquals(first, buffer, "a send refused with BUSY must not touch the send buffer");
        // The refused send really was refused: the message waiting is the first one.
        assertArrayEquals(first, hypervisor.receive(2).orElseThrow().bytes());
    }

    @Test
    void aSendShorterThanItsHeaderLeavesTheSendBufferAlone() {
        Hypervisor hypervisor = boot(2);
        byte[] first = message(ShareType.LEND, 2, 0);
        assertTrue(hypervisor.send(1, 2, first).isSuccess());
        hypervisor.release(2);
        for (int size = 0; size < MemoryRegionCodec.HEADER_SIZE; size++) {
            byte[] shortMessage = new byte[size];
            java.util.Arrays.fill(shortMessage, (byte) 0x5a);
            assertEquals(Optional.of(SpciError.INVALID_PARAMETERS), hypervisor.send(1, 2, shortMessage).error());
            byte[] buffer = hypervisor.machine().vm(1).orElseThrow().mailbox().copyOfSendBuffer(first.length);
            assertArrayEquals(first, buffer, "a " + size + "-byte message must not touch the send buffer");
        }
    }

    @Test
    void aMessageSentFromALargerBufferIsExactlyItsFirstBytes() {
        Hypervisor hypervisor = boot(2);
        byte[] message = message(ShareType.LEND, 2, 0);
        byte[] buffer = new byte[message.length + 100];
        java.util.Arrays.fill(buffer, (byte) 0x5a);
        System.arraycopy(message, 0, buffer, 0, message.length);
        assertTrue(hypervisor.send(1, 2, buffer, message.length).isSuccess());
        // What arrives, and what the sender's buffer holds, is the message and not the bytes after it.
        assertArrayEquals(message, hypervisor.release(2).orElseThrow().bytes());
        byte[] sendBuffer = hypervisor.machine().vm(1).orElseThrow().mailbox().copyOfSendBuffer(message.length + 100);
        assertArrayEquals(message, java.util.Arrays.copyOf(sendBuffer, message.length));
        assertArrayEquals(new byte[100], java.util.Arrays.copyOfRange(sendBuffer, message.length, sendBuffer.length),
                "the bytes after the message must not be written into the send buffer");
        // A length the buffer does not hold is the caller's mistake, not a message.
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> hypervisor.send(1, 2, buffer, buffer.length + 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> hypervisor.send(1, 2, buffer, -1));
        // A length too short for the header is refused as the same bytes sent alone would be.
        assertEquals(hypervisor.send(1, 2, java.util.Arrays.copyOf(buffer, 5)), hypervisor.send(1, 2, buffer, 5));
    }

    @Test
    void aBusyMailboxAnswersBusyUntilReleased() {
        Hypervisor hypervisor = boot(2);
        assertTrue(hypervisor.send(1, 2, message(ShareType.SHARE, 2, 0)).isSuccess());
        SpciResult busy = hypervisor.send(1, 2, message(ShareType.SHARE, 2, 0));
        assertEquals(Optional.of(SpciError.BUSY), busy.error());
        assertTrue(hypervisor.receive(2).isPresent());
        assertEquals(1, hypervisor.release(2).orElseThrow().sender());
        assertFalse(hypervisor.receive(2).isPresent());
    }

    @Test
    void discardFreesTheMailboxWithoutHandingOutTheMessage() {
        Hypervisor hypervisor = boot(2);
        assertFalse(hypervisor.discard(2));
        assertFalse(hypervisor.discard(9), "no VM 9");
        assertTrue(hypervisor.send(1, 2, message(ShareType.SHARE, 2, 0)).isSuccess());
        assertTrue(hypervisor.discard(2));
        assertFalse(hypervisor.receive(2).isPresent());
        assertTrue(hypervisor.send(2, 1, message(ShareType.RELINQUISH, 1, 0)).isSuccess());
    }

    /**
     * What the receiver reads is the message as sent, even when a policy, asked during the share,
     * sends from the same VM again (so the sender's buffer changes under the share): the hypervisor
     * validates, shares and delivers its own copy.
     */
    @Test
    void aPolicyThatSendsAgainChangesNeitherTheShareNorTheDeliveredMessage() {
        AtomicReference<Hypervisor> self = new AtomicReference<>();
        AtomicReference<SpciResult> nested = new AtomicReference<>();
        // Refused for naming VM 2 while going to VM 3, after it overwrote VM 1's send buffer.
        byte[] other = message(ShareType.LEND, 2, MemoryRegion.FLAG_CLEAR);
        Module resend = new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(request -> {
                    if (request.receiver() == 2) {
                        nested.set(self.get().send(1, 3, other));
                    }
                    return Optional.empty();
                });
            }
        };
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 64, 3),
                ArchRegistry.of(new FakeArchPlugin()), resend);
        MachineResult.Created created = assertInstanceOf(MachineResult.Created.class, result);
        Machine machine = created.machine();
        assertTrue(machine.vm(1).orElseThrow().table().map(PhysicalAddress.of(PAGE), PhysicalAddress.of(PAGE + 0x1000),
                Mode.R | Mode.W | Mode.X, machine.pool()));
        Hypervisor hypervisor = created.hypervisor();
        self.set(hypervisor);
        byte[] sent = message(ShareType.SHARE, 2, 0);
        assertTrue(hypervisor.send(1, 2, sent).isSuccess());
        assertEquals(Optional.of(SpciError.INVALID_PARAMETERS), nested.get().error());
        assertArrayEquals(other, machine.vm(1).orElseThrow().mailbox().copyOfSendBuffer(other.length),
                "the nested send did overwrite VM 1's send buffer");
        assertEquals(Mode.R | Mode.W | Mode.X | Mode.SHARED, machine.vm(1).orElseThrow().table()
                .mode(org.memshare.api.addr.IntermediatePhysicalAddress.of(PAGE),
                        org.memshare.api.addr.IntermediatePhysicalAddress.of(PAGE + 0x1000)).orElseThrow(),
                "the outer share went ahead as sent (no clear asked)");
        assertArrayEquals(sent, hypervisor.receive(2).orElseThrow().bytes());
        assertFalse(hypervisor.receive(3).isPresent());
    }

    /**
     * A write that VM 1's translation allowed must not land after VM 1 donated the page with
     * the clear flag: the check and the write happen under VM 1's lock, so the donation either
     * comes first (the write faults) or after (the clear wipes the value).
     */
    @Test
    void aWriteRacingADonationWithClearNeverLeaksToTheReceiver() throws InterruptedException {
        Hypervisor hypervisor = boot(2);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            while (!stop.get()) {
                hypervisor.write(1, PAGE, 0xdeadL);
            }
        });
        writer.start();
        int leaks = 0;
        try {
            for (int cycle = 0; cycle < 5_000; cycle++) {
                assertTrue(hypervisor.send(1, 2, message(ShareType.DONATE, 2, MemoryRegion.FLAG_CLEAR)).isSuccess());
                hypervisor.release(2);
                if (hypervisor.read(2, PAGE).orElseThrow() != 0) {
                    leaks++;
                    hypervisor.write(2, PAGE, 0);
                }
                assertTrue(hypervisor.send(2, 1, message(ShareType.DONATE, 1, 0)).isSuccess());
                hypervisor.release(1);
            }
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
        assertEquals(0, leaks, "VM 2 read what VM 1 wrote after VM 1 gave the page away with clear");
    }

    /** Two threads sending from one VM never send each other's bytes. */
    @Test
    void concurrentSendsFromOneVmKeepTheirOwnMessages() throws InterruptedException {
        Module refuseAll = new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(r -> Optional.of("no"));
            }
        };
        Hypervisor hypervisor = boot(3, refuseAll);
        AtomicInteger wrong = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] senders = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int receiver = 2 + t;
            byte[] message = message(ShareType.LEND, receiver, 0);
            senders[t] = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    // Every message is well formed, so the policy's DENIED is the only right answer.
                    if (hypervisor.send(1, receiver, message).error().orElseThrow() != SpciError.DENIED) {
                        wrong.incrementAndGet();
                    }
                }
            });
            senders[t].setUncaughtExceptionHandler((thread, e) -> failure.set(e));
            senders[t].start();
        }
        for (Thread sender : senders) {
            sender.join(30_000);
        }
        assertEquals(null, failure.get());
        assertEquals(0, wrong.get(), "sends answered as if they carried the other thread's message");
    }
}

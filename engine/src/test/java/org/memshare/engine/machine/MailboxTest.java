package org.memshare.engine.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Delivery copies into the reused receive buffer; what a reader is handed stays a snapshot. */
class MailboxTest {

    private static byte[] bytes(int size, int fill) {
        byte[] out = new byte[size];
        Arrays.fill(out, (byte) fill);
        return out;
    }

    @Test
    void aDeliveredMessageIsASnapshotOfTheBytesGiven() {
        Mailbox mailbox = new Mailbox();
        byte[] source = bytes(100, 1);
        mailbox.deliver(3, source, 40);
        Arrays.fill(source, (byte) 9);
        Mailbox.Message message = mailbox.peek().orElseThrow();
        assertEquals(3, message.sender());
        assertArrayEquals(bytes(40, 1), message.bytes());
        assertSame(message, mailbox.peek().orElseThrow(), "peek hands out the same message while it waits");
        assertSame(message, mailbox.release().orElseThrow());
        assertFalse(mailbox.isBusy());
        assertEquals(Optional.empty(), mailbox.peek());
    }

    @Test
    void aMessageHandedOutKeepsItsBytesAfterTheNextDelivery() {
        Mailbox mailbox = new Mailbox();
        mailbox.deliver(1, bytes(64, 1));
        Mailbox.Message first = mailbox.release().orElseThrow();
        mailbox.deliver(2, bytes(128, 2));
        assertArrayEquals(bytes(64, 1), first.bytes());
        Mailbox.Message second = mailbox.peek().orElseThrow();
        assertArrayEquals(bytes(128, 2), second.bytes());
        byte[] read = second.bytes();
        read[0] = 7;
        assertArrayEquals(bytes(128, 2), second.bytes(), "bytes() gives a copy");
    }

    @Test
    void discardReleasesWithoutAMessageAndSaysWhetherOneWaited() {
        Mailbox mailbox = new Mailbox();
        assertFalse(mailbox.discard());
        mailbox.deliver(1, bytes(10, 1));
        assertTrue(mailbox.isBusy());
        assertTrue(mailbox.discard());
        assertFalse(mailbox.isBusy());
        assertEquals(Optional.empty(), mailbox.release());
        mailbox.deliver(2, bytes(5, 5));
        assertArrayEquals(bytes(5, 5), mailbox.release().orElseThrow().bytes(), "no stale message after a discard");
    }

    @Test
    void aBusyMailboxRefusesADeliveryAndALargeOneIsKeptWhole() {
        Mailbox mailbox = new Mailbox();
        mailbox.deliver(1, bytes(Mailbox.SIZE + 100, 4));
        assertThrows(IllegalStateException.class, () -> mailbox.deliver(2, bytes(1, 1)));
        assertArrayEquals(bytes(Mailbox.SIZE + 100, 4), mailbox.release().orElseThrow().bytes());
    }

    @Test
    void theSendBufferIsCopiedOutWithoutChangingIt() {
        Mailbox mailbox = new Mailbox();
        mailbox.writeSendBuffer(bytes(30, 6));
        byte[] into = bytes(40, 0);
        mailbox.copySendBuffer(into, 20);
        assertArrayEquals(bytes(20, 6), Arrays.copyOf(into, 20));
        assertArrayEquals(bytes(20, 0), Arrays.copyOfRange(into, 20, 40));
        assertArrayEquals(bytes(30, 6), mailbox.copyOfSendBuffer(30));
    }

    @Test
    void aPartOfAnArrayIsWrittenToTheSendBufferAndNothingBeyondIt() {
        Mailbox mailbox = new Mailbox();
        mailbox.writeSendBuffer(bytes(30, 6), 10);
        assertArrayEquals(bytes(10, 6), mailbox.copyOfSendBuffer(10));
        assertArrayEquals(bytes(20, 0), Arrays.copyOfRange(mailbox.copyOfSendBuffer(30), 10, 30));
        assertThrows(IllegalArgumentException.class, () -> mailbox.writeSendBuffer(bytes(30, 7), 31));
        assertThrows(IllegalArgumentException.class, () -> mailbox.writeSendBuffer(bytes(30, 7), -1));
        assertThrows(IllegalArgumentException.class,
                () -> mailbox.writeSendBuffer(bytes(Mailbox.SIZE + 1, 7), Mailbox.SIZE + 1));
        assertArrayEquals(bytes(10, 6), mailbox.copyOfSendBuffer(10), "a refused write changes nothing");
    }
}

package org.memshare.arch.aarch64;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.memshare.api.addr.VirtualAddress;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.DataCacheObserver;
import org.memshare.api.arch.UnsupportedConfigurationException;

/**
 * Data-cache maintenance as Hafnium performs it: clean and invalidate, line by line, every line
 * that holds a byte of the range, with the line size read from CTR_EL0.
 *
 * <p>CTR_EL0.DminLine (bits 16-19) is log2 of the number of 4-byte words in the smallest data or
 * unified cache line of the core, so a line is {@code 4 << DminLine} bytes. The default CTR_EL0,
 * {@value #DEFAULT_CTR_EL0_HEX}, has DminLine 4: 64-byte lines.
 *
 * <p>Like Hafnium, the first line is the one holding {@code base} and lines are flushed while
 * their start lies below {@code base + size} (unsigned, wrapping). So a flush of 0 bytes at an
 * unaligned address still cleans the line holding it. Where Hafnium would loop forever (a range
 * reaching the top of the address space), the model stops at the last line.
 *
 * <p>The lines are reported to {@link DataCacheObserver}s. With none registered, a flush returns
 * at once.
 */
public final class Aarch64DataCache implements CacheMaintenance {

    /** The CTR_EL0 used when the configuration names none, in hex. */
    public static final String DEFAULT_CTR_EL0_HEX = "0x8444c004";

    /**
     * The CTR_EL0 used when the configuration names none: RES1 bit 31, CWG 4 and ERG 4 (64-byte
     * granules), DminLine 4 (64-byte data lines), L1Ip 3 (PIPT instruction cache), IminLine 4.
     */
    public static final long DEFAULT_CTR_EL0 = 0x8444c004L;

    /** CTR_EL0.DminLine: bits 16-19. */
    private static final int CTR_DMINLINE_SHIFT = 16;
    private static final long CTR_DMINLINE_MASK = 0xf;
    /** The cache word DminLine counts in: 4 bytes. */
    private static final int CACHE_WORD_SIZE = 4;
    /**
     * The largest DminLine whose line size fits the 16-bit variable Hafnium keeps it in
     * (4 &lt;&lt; 13 = 32 KiB); a larger one would make Hafnium's line size 0.
     */
    static final int MAX_DMINLINE = 13;

    private final long ctrEl0;
    private final long lineSize;
    /** Copy-on-write, so the maintenance calls read it without locking. */
    private final List<DataCacheObserver> observers = new CopyOnWriteArrayList<>();

    /** A data cache with the default CTR_EL0, {@value #DEFAULT_CTR_EL0_HEX} (64-byte lines). */
    public Aarch64DataCache() {
        this(DEFAULT_CTR_EL0);
    }

    /**
     * A data cache whose line size is given by {@code ctrEl0}'s DminLine field.
     *
     * @throws UnsupportedConfigurationException if DminLine exceeds {@value #MAX_DMINLINE}
     */
    public Aarch64DataCache(long ctrEl0) {
        int dminLine = (int) ((ctrEl0 >>> CTR_DMINLINE_SHIFT) & CTR_DMINLINE_MASK);
        if (dminLine > MAX_DMINLINE) {
            throw new UnsupportedConfigurationException("CTR_EL0 0x" + Long.toHexString(ctrEl0) + " has DminLine "
                    + dminLine + " (" + (CACHE_WORD_SIZE << dminLine) + "-byte lines); supported: DminLine 0 to "
                    + MAX_DMINLINE + " (4 to " + (CACHE_WORD_SIZE << MAX_DMINLINE) + " bytes)");
        }
        this.ctrEl0 = ctrEl0;
        this.lineSize = (long) CACHE_WORD_SIZE << dminLine;
    }

    /**
     * Parses a CTR_EL0 value as given in a configuration: hex with a {@code 0x} prefix, or decimal.
     *
     * @throws UnsupportedConfigurationException if {@code text} is neither
     */
    public static long parseCtrEl0(String text) {
        requireNonNull(text, "text is null");
        String trimmed = text.strip();
        try {
            if (trimmed.startsWith("0x") || trimmed.startsWith("0X")) {
                return Long.parseUnsignedLong(trimmed.substring(2), 16);
            }
            return Long.parseUnsignedLong(trimmed);
        } catch (NumberFormatException e) {
            throw new UnsupportedConfigurationException("ctr_el0 must be a 64-bit number, hex with 0x or decimal, was '"
                    + text + "'");
        }
    }

    /** The configured CTR_EL0. */
    public long ctrEl0() {
        return ctrEl0;
    }

    /** The data-cache line size in bytes: {@code 4 << CTR_EL0.DminLine}. */
    public long lineSize() {
        return lineSize;
    }

    /** Registers {@code observer}; it sees every later line maintenance. Registering twice reports twice. */
    @Override
    public void addObserver(DataCacheObserver observer) {
        requireNonNull(observer, "observer is null");
        observers.add(observer);
    }

    /** Unregisters one registration of {@code observer}; returns whether it was registered. */
    @Override
    public boolean removeObserver(DataCacheObserver observer) {
        return observers.remove(observer);
    }

    @Override
    public void flushDataCache(VirtualAddress base, long size) {
        List<DataCacheObserver> watching = observers;
        if (watching.isEmpty()) {
            return;
        }
        long line = base.value() & -lineSize;
        long end = base.value() + size;
        while (Long.compareUnsigned(line, end) < 0) {
            for (DataCacheObserver observer : watching) {
                observer.cleanAndInvalidateLine(line);
            }
            long next = line + lineSize;
            if (Long.compareUnsigned(next, line) < 0) {
                break; // the last line of the address space
            }
            line = next;
        }
    }

    @Override
    public String toString() {
        return "aarch64 data cache (" + lineSize + "-byte lines, CTR_EL0 0x" + Long.toHexString(ctrEl0) + ")";
    }
}

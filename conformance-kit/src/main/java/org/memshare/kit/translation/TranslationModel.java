package org.memshare.kit.translation;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbObserver;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;

/**
 * One VM's stage-2 translation as hardware performs it, with a TLB that can go stale: a walk of
 * the VM's table, whose successful results are kept per 4 KiB page until TLB maintenance drops
 * them. A page-table change the software forgot to invalidate therefore shows up as a
 * {@linkplain #translate translation} that differs from a {@linkplain #walk fresh walk}
 * ({@link #staleEntries()}).
 *
 * <p>Arch-neutral: it walks through the {@link PageTableFormat} it is given, so it serves every
 * plugin. Register it with the arch's TLB maintenance
 * ({@link org.memshare.api.arch.TlbMaintenance#addObserver}, offered by an arch that declares
 * {@link org.memshare.api.arch.ArchFeature#TLB_MODEL}; {@link #observe} does both) so it sees the
 * maintenance. It listens to its own VM's stage-2 maintenance only: an invalidation by IPA drops
 * that page, an invalidation of the whole VM drops everything. Unregistered, it still walks
 * ({@link #of}), but its cache is never dropped.
 *
 * <p>Translations are cached per page even when they come from a larger block; the architecture
 * allows an implementation to hold such fragments, and it is the choice that keeps the most
 * entries alive, so it is the strictest check of the software's maintenance. Faults are never
 * cached, as on hardware.
 *
 * <p>The walk follows the architecture: the root index selects one of the concatenated root
 * tables; an invalid entry, an entry beyond the address space, and a valid entry that is
 * neither a table nor a block where a block is allowed all fault. This is a walk through the
 * format's own decoding, so it shows what the format means, not what the hardware would do with
 * the raw bits (that is an arch's {@link org.memshare.api.arch.HardwareWalk}). Thread-safe.
 */
public final class TranslationModel implements TlbObserver {

    /**
     * A successful translation.
     *
     * @param ipa the intermediate physical address translated
     * @param pa the physical address it translates to
     * @param attrs the attributes of the entry that mapped it
     * @param mode those attributes as a mode
     * @param level the level of that entry
     */
    public record Translation(long ipa, long pa, long attrs, int mode, int level) {
        /** The same translation for another address in the same page. */
        Translation at(long otherIpa) {
            long offset = otherIpa & (Addresses.PAGE_SIZE - 1);
            return new Translation(otherIpa, (pa & -Addresses.PAGE_SIZE) | offset, attrs, mode, level);
        }
    }

    private final PageTableFormat format;
    private final LongFunction<long[]> tables;
    private final long rootPa;
    private final int vmId;
    private final int maxLevel;
    private final int rootTableCount;
    private final long addressSpaceEnd;

    /** Cached translations by page number; each holds the translation of the page's first byte. */
    private final Map<Long, Translation> tlb = new HashMap<>();

    /**
     * A model of VM {@code vmId}'s stage-2 translation.
     *
     * @param format the format the table is written in; its stage-2 geometry is used
     * @param tables the table stored at a physical address (the 512 entries of that page)
     * @param rootPa the physical address of the first root table
     * @param vmId the VM whose maintenance counts
     */
    public TranslationModel(PageTableFormat format, LongFunction<long[]> tables, long rootPa, int vmId) {
        this.format = requireNonNull(format, "format is null");
        this.tables = requireNonNull(tables, "tables is null");
        this.rootPa = rootPa;
        this.vmId = vmId;
        this.maxLevel = format.maxLevel(Stage.STAGE2);
        this.rootTableCount = format.rootTableCount(Stage.STAGE2);
        this.addressSpaceEnd = Addresses.entrySize(maxLevel + 1) * rootTableCount;
    }

    /**
     * A model of {@code vm}'s stage-2 translation in {@code machine}, not registered for TLB
     * maintenance: its {@link #walk} is always fresh, its {@link #translate} cache is never dropped.
     */
    public static TranslationModel of(Machine machine, Vm vm) {
        requireNonNull(machine, "machine is null");
        requireNonNull(vm, "vm is null");
        return new TranslationModel(machine.arch().format(), machine.tableMemory()::table, vm.table().rootAddress(),
                vm.id());
    }

    /**
     * A model of {@code vm}'s stage-2 translation in {@code machine}, registered with the
     * machine's TLB maintenance so that it sees every later invalidation.
     *
     * @throws UnsupportedOperationException if the arch's TLB maintenance accepts no observers (it
     *     does not declare {@link org.memshare.api.arch.ArchFeature#TLB_MODEL})
     */
    public static TranslationModel observe(Machine machine, Vm vm) {
        TranslationModel model = of(machine, vm);
        machine.arch().tlb().addObserver(model);
        return model;
    }

    /** The VM this model listens for. */
    public int vmId() {
        return vmId;
    }

    /**
     * What the hardware would use for {@code ipa}: the cached translation of its page if there is
     * one, however stale, else a fresh walk, which is cached if it succeeds. Empty for a fault.
     */
    public synchronized Optional<Translation> translate(long ipa) {
        long page = ipa >>> Addresses.PAGE_BITS;
        Translation cached = tlb.get(page);
        if (cached != null) {
            return Optional.of(cached.at(ipa));
        }
        Optional<Translation> walked = walk(ipa & -Addresses.PAGE_SIZE);
        walked.ifPresent(t -> tlb.put(page, t));
        return walked.map(t -> t.at(ipa));
    }

    /** What the table says now for {@code ipa}, bypassing the TLB and leaving it untouched. Empty for a fault. */
    public Optional<Translation> walk(long ipa) {
        if (Long.compareUnsigned(ipa, addressSpaceEnd) >= 0) {
            return Optional.empty();
        }
        List<Step> steps = steps(format, tables, rootPa, maxLevel, ipa);
        for (Step step : steps) {
            if (!format.isValid(step.pte(), step.level())) {
                return Optional.empty();
            }
        }
        Step last = steps.get(steps.size() - 1);
        long pte = last.pte();
        int level = last.level();
        if (format.isBlock(pte, level) && format.isBlockAllowed(level)) {
            long attrs = format.attrs(pte, level);
            long pa = format.blockAddress(pte, level) + (ipa & (Addresses.entrySize(level) - 1));
            return Optional.of(new Translation(ipa, pa, attrs, format.stage2AttrsToMode(attrs), level));
        }
        return Optional.empty();
    }

    /**
     * One entry a walk reads.
     *
     * @param level the entry's level
     * @param tablePa the physical address of the table holding it
     * @param index its index in that table
     * @param pte the raw entry
     */
    public record Step(int level, long tablePa, int index, long pte) {
    }

    /**
     * The entries a walk of {@code address} reads, root first: the root index (the address's bits
     * above level {@code maxLevel}'s, spanning the concatenated root tables) picks the root entry,
     * and each entry the format calls a table ({@code isTable}) leads, through the format's
     * {@code tableAddress}, to the next level, down to the first entry that is not a table or is
     * at level 0. Whether the entries are valid is the caller's to judge: the one root-index walk
     * of the kit, shared by this model and the HW rules' failure messages.
     *
     * @param tables the table stored at a physical address (the 512 entries of that page)
     */
    public static List<Step> steps(PageTableFormat format, LongFunction<long[]> tables, long rootPa, int maxLevel,
            long address) {
        List<Step> steps = new ArrayList<>();
        int level = maxLevel;
        long rootIndex = address >>> levelShift(level);
        long tablePa = rootPa + (rootIndex >>> Addresses.PAGE_LEVEL_BITS) * Addresses.PAGE_SIZE;
        int index = (int) (rootIndex & (Addresses.ENTRIES_PER_TABLE - 1));
        while (true) {
            long pte = tables.apply(tablePa)[index];
            steps.add(new Step(level, tablePa, index, pte));
            if (level == 0 || !format.isTable(pte, level)) {
                return steps;
            }
            tablePa = format.tableAddress(pte, level);
            level--;
            index = (int) ((address >>> levelShift(level)) & (Addresses.ENTRIES_PER_TABLE - 1));
        }
    }

    private static int levelShift(int level) {
        return Addresses.PAGE_BITS + level * Addresses.PAGE_LEVEL_BITS;
    }

    /** Whether the TLB holds a translation for the page of {@code ipa}. */
    public synchronized boolean isCached(long ipa) {
        return tlb.containsKey(ipa >>> Addresses.PAGE_BITS);
    }

    /** How many pages the TLB holds translations for. */
    public synchronized int cachedPages() {
        return tlb.size();
    }

    /**
     * The cached translations that a fresh walk no longer gives (a different output address or
     * attributes, or now a fault), sorted by IPA: each one a missed invalidation. Only the result
     * counts: a page now mapped by an entry at another level with the same address and
     * attributes is not stale.
     */
    public synchronized List<Translation> staleEntries() {
        List<Translation> stale = new ArrayList<>();
        for (Translation cached : tlb.values()) {
            Optional<Translation> fresh = walk(cached.ipa());
            if (fresh.isEmpty() || fresh.get().pa() != cached.pa() || fresh.get().attrs() != cached.attrs()) {
                stale.add(cached);
            }
        }
        stale.sort((a, b) -> Long.compareUnsigned(a.ipa(), b.ipa()));
        return stale;
    }

    /** Drops every cached translation, as a TLB that is reset. */
    public synchronized void clear() {
        tlb.clear();
    }

    @Override
    public synchronized void invalidatePage(Stage stage, int vmId, long address) {
        if (stage == Stage.STAGE2 && vmId == this.vmId) {
            tlb.remove(address >>> Addresses.PAGE_BITS);
        }
    }

    @Override
    public synchronized void invalidateAll(Stage stage, int vmId) {
        if (stage == Stage.STAGE2 && vmId == this.vmId) {
            tlb.clear();
        }
    }

    @Override
    public String toString() {
        return "stage-2 translation of VM " + vmId + " (" + cachedPages() + " cached pages)";
    }
}

package org.memshare.kit.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.ShareType;

/**
 * Random shares aimed at what an {@link OwnershipModel}'s state allows, so that a random run spends
 * most of its operations on shares that succeed: usually a relinquish or donate of borrowed pages
 * back to or on to their owner, or a donate, lend or share of owned pages, over pages in the same
 * state; now and then a blind share of any type, or a constituent on any page (which may overlap
 * another or be in another state), so that refusals are exercised too. The MODEL rules and the
 * long model run draw from it. The model is read, never changed: apply each share to it yourself.
 */
public final class AimedShares {

    /**
     * One share to send.
     *
     * @param type the share type
     * @param from the sender
     * @param to the receiver
     * @param accessCode the memory access field, 0 to 3 (RO_NX, RO_X, RW_NX, RW_X)
     * @param constituents pairs of (first page of the model's window, page count)
     */
    public record Share(ShareType type, int from, int to, int accessCode, int[] constituents) {
    }

    private static final ShareType[] OWNER_SENDS = {ShareType.DONATE, ShareType.LEND, ShareType.SHARE};

    private final int blindOneIn;
    private final int anyPageOneIn;
    private final int longestRun;

    /**
     * @param blindOneIn one share in this many is not aimed at the state
     * @param anyPageOneIn one constituent in this many starts on any page of the window
     * @param longestRun the most pages in one constituent
     */
    public AimedShares(int blindOneIn, int anyPageOneIn, int longestRun) {
        if (blindOneIn < 1 || anyPageOneIn < 1 || longestRun < 1) {
            throw new IllegalArgumentException("every parameter must be at least 1");
        }
        this.blindOneIn = blindOneIn;
        this.anyPageOneIn = anyPageOneIn;
        this.longestRun = longestRun;
    }

    /** The next share, drawn from {@code random} against {@code model}'s current state. */
    public Share next(SplittableRandom random, OwnershipModel model) {
        int window = model.pages();
        int vms = model.vms();
        int page = random.nextInt(window);
        ShareType[] types = ShareType.values();
        ShareType type = types[random.nextInt(types.length)];
        int from = 1 + random.nextInt(vms);
        int to = 1 + (from + random.nextInt(vms - 1)) % vms;
        if (random.nextInt(blindOneIn) != 0) {
            int owner = model.owner(page).orElse(0);
            int borrower = 0;
            for (int vm = 1; vm <= vms; vm++) {
                if (vm != owner && (model.mode(vm, page) & Mode.INVALID) == 0) {
                    borrower = vm;
                }
            }
            if (borrower != 0 && owner != 0 && random.nextInt(3) != 0) {
                type = (model.mode(owner, page) & Mode.SHARED) != 0 && random.nextInt(3) == 0
                        ? ShareType.DONATE : ShareType.RELINQUISH;
                from = type == ShareType.DONATE ? owner : borrower;
                to = type == ShareType.DONATE ? borrower : owner;
            } else if (owner != 0) {
                type = OWNER_SENDS[random.nextInt(OWNER_SENDS.length)];
                from = owner;
                to = 1 + (owner + random.nextInt(vms - 1)) % vms;
            }
        }
        List<Integer> alike = new ArrayList<>();
        for (int q = 0; q < window; q++) {
            if (model.mode(from, q) == model.mode(from, page) && model.mode(to, q) == model.mode(to, page)) {
                alike.add(q);
            }
        }
        int count = 1 + random.nextInt(Math.min(4, alike.size()));
        List<Integer> pairs = new ArrayList<>();
        for (int c = 0; c < count && !alike.isEmpty(); c++) {
            int first = random.nextInt(anyPageOneIn) == 0 ? random.nextInt(window)
                    : alike.remove(random.nextInt(alike.size()));
            int pages = 1;
            while (pages < longestRun && random.nextBoolean() && alike.contains(first + pages)) {
                alike.remove(Integer.valueOf(first + pages));
                pages++;
            }
            pairs.add(first);
            pairs.add(pages);
        }
        int[] constituents = pairs.stream().mapToInt(Integer::intValue).toArray();
        return new Share(type, from, to, random.nextInt(4), constituents);
    }
}

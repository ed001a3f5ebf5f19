package org.memshare.arch.aarch64;

import java.util.ArrayList;
import java.util.List;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbObserver;

/** Records TLB maintenance as readable strings, in order. */
final class RecordingTlbObserver implements TlbObserver {
    final List<String> events = new ArrayList<>();
    final List<Long> pages = new ArrayList<>();

    @Override
    public void invalidatePage(Stage stage, int vmId, long address) {
        pages.add(address);
        events.add("page " + stage + " vm " + vmId + " 0x" + Long.toHexString(address));
    }

    @Override
    public void invalidateAll(Stage stage, int vmId) {
        events.add("all " + stage + " vm " + vmId);
    }

    @Override
    public void invalidateGuestStage1(int vmId) {
        events.add("guest stage 1 vm " + vmId);
    }

    long count(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).count();
    }
}

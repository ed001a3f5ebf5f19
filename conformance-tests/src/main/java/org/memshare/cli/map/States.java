package org.memshare.cli.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The VMs' items at one step, rebuilt from the recorded changes. */
final class States {
    private States() {
    }

    /** Each VM's items (walk order) after step {@code index} (0-based) of {@code steps}. */
    static Map<Integer, List<Item>> after(List<Recorder.Step> steps, int index) {
        Map<Integer, TreeMap<Item, Item>> vms = new TreeMap<>();
        for (int s = 0; s <= index; s++) {
            for (Recorder.VmDiff diff : steps.get(s).diffs) {
                TreeMap<Item, Item> items = vms.computeIfAbsent(diff.vm(), vm -> new TreeMap<>());
                for (Item item : diff.removed()) {
                    items.remove(item);
                }
                for (Item item : diff.added()) {
                    items.put(item, item);
                }
            }
        }
        Map<Integer, List<Item>> result = new TreeMap<>();
        vms.forEach((vm, items) -> result.put(vm, new ArrayList<>(items.values())));
        return result;
    }
}

package org.memshare.reliability;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.engine.machine.Mailbox;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.PageTable;

/**
 * Everything a refused message must leave alone, and everything two machines that did the same
 * shares must agree on: every VM's stage-2 dump, the hypervisor's stage-1 dump, the pool's free
 * count, each VM's mailbox, and the first word of every page owned at boot.
 *
 * @param exact whether table entries carry the address of the table they point at (comparing one
 *     machine with itself) or not (comparing two machines, whose pools may hand out tables in
 *     another order, as the trace dump does)
 */
record Snapshot(boolean exact, List<String> stage2, String stage1, long freePages, List<String> mailboxes,
        List<Long> words) {

    static Snapshot of(Rig rig, boolean exact) {
        List<String> stage2 = new ArrayList<>();
        List<String> mailboxes = new ArrayList<>();
        for (Vm vm : rig.machine().vms()) {
            vm.lock().lock();
            try {
                stage2.add(dump(vm.table(), exact));
            } finally {
                vm.lock().unlock();
            }
            Optional<Mailbox.Message> message = rig.hypervisor().receive(vm.id());
            mailboxes.add(message.map(m -> "from " + m.sender() + ": " + HexFormat.of().formatHex(m.bytes()))
                    .orElse("empty"));
        }
        String stage1;
        rig.machine().stage1Lock().lock();
        try {
            stage1 = dump(rig.machine().hypervisorTable(), exact);
        } finally {
            rig.machine().stage1Lock().unlock();
        }
        List<Long> words = new ArrayList<>();
        for (Rig.Owned o : rig.owned()) {
            for (long page = o.begin(); page < o.end(); page += Rig.PAGE_SIZE) {
                words.add(rig.machine().memory().read64(PhysicalAddress.of(page)));
            }
        }
        return new Snapshot(exact, stage2, stage1, rig.machine().pool().freeCount(), mailboxes, words);
    }

    /** The table as {@code dump} prints it (with the table entries' raw values if {@code exact}). */
    static String dump(PageTable table, boolean exact) {
        PageTableFormat format = table.format();
        StringBuilder out = new StringBuilder();
        table.visit((level, address, pte, kind) -> {
            out.append('L').append(level).append(" 0x").append(Long.toHexString(address));
            switch (kind) {
                case TABLE -> out.append(" table").append(exact ? " pte=0x" + Long.toHexString(pte) : "");
                case BLOCK -> out.append(" block mode=0x")
                        .append(Integer.toHexString(format.stage2AttrsToMode(format.attrs(pte, level))))
                        .append(" pte=0x").append(Long.toHexString(pte));
                case OTHER -> out.append(" other pte=0x").append(Long.toHexString(pte));
            }
            out.append('\n');
        });
        return out.toString();
    }
}

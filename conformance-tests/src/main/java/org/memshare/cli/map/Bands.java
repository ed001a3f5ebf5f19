package org.memshare.cli.map;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Turns a VM's runs of leaves into the rectangles of its band, for a view {@code [v0, v1)} of the
 * axis drawn {@link #VIEW_WIDTH} units wide. A run at least one unit wide is one rectangle; runs
 * narrower than that which fall in the same unit column share one rectangle one unit wide, drawn
 * in the most telling of their states ({@link OwnershipState#PRIORITY}), so a one-page share in a
 * gigabyte stays visible when zoomed out. Unmapped runs are not drawn (the band's background is).
 * The page's script draws the same rectangles by the same steps when it redraws.
 */
final class Bands {
    static final double VIEW_WIDTH = 1200;

    /**
     * One rectangle: {@code states} holds every state drawn into it (one, unless the rectangle
     * gathers runs narrower than a unit).
     */
    record Rect(double x, double width, OwnershipState state, long begin, long end, EnumSet<OwnershipState> states) {
        boolean mixed() {
            return states.size() > 1;
        }
    }

    private Bands() {
    }

    /** The rectangles of {@code items} (one VM's, in walk order) in the view {@code [v0, v1)} of {@code axis}. */
    static List<Rect> rects(List<Item> items, Axis axis, double v0, double v1) {
        double scale = VIEW_WIDTH / (v1 - v0);
        List<Rect> rects = new ArrayList<>();
        Rect column = null;
        for (Item item : items) {
            OwnershipState state = item.state();
            if (item.kind() != Item.LEAVES || state == OwnershipState.UNMAPPED) {
                continue;
            }
            double x0 = (axis.x(item.begin()) - v0) * scale;
            double x1 = (axis.x(item.end()) - v0) * scale;
            if (x1 < 0 || x0 > VIEW_WIDTH) {
                continue;
            }
            x0 = Math.max(x0, -1);
            x1 = Math.min(x1, VIEW_WIDTH + 1);
            if (x1 - x0 >= 1) {
                if (column != null) {
                    rects.add(column);
                    column = null;
                }
                rects.add(new Rect(x0, x1 - x0, state, item.begin(), item.end(), EnumSet.of(state)));
                continue;
            }
            double col = Math.floor(x0);
            if (column != null && column.x() == col) {
                EnumSet<OwnershipState> states = column.states();
                states.add(state);
                column = new Rect(col, 1, mostTelling(states), column.begin(), item.end(), states);
            } else {
                if (column != null) {
                    rects.add(column);
                }
                column = new Rect(col, 1, state, item.begin(), item.end(), EnumSet.of(state));
            }
        }
        if (column != null) {
            rects.add(column);
        }
        return rects;
    }

    static OwnershipState mostTelling(EnumSet<OwnershipState> states) {
        for (OwnershipState state : OwnershipState.PRIORITY) {
            if (states.contains(state)) {
                return state;
            }
        }
        return OwnershipState.UNMAPPED;
    }
}

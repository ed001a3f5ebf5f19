package org.memshare.cli.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A mode's ownership state is read from its state bits alone, as DESIGN.md section 2 defines them. */
class OwnershipStateTest {

    @ParameterizedTest(name = "mode {0} is {1}")
    @CsvSource({
        "0x07, OWNED_EXCLUSIVE",
        "0x01, OWNED_EXCLUSIVE",
        "0x47, OWNED_SHARED",
        "0x17, LENT",
        "0x10, LENT",
        "0x57, LENT",
        "0x27, BORROWED_EXCLUSIVE",
        "0x21, BORROWED_EXCLUSIVE",
        "0x67, BORROWED_SHARED",
        "0x30, UNMAPPED",
        "0x70, UNMAPPED",
        "0x7c, UNMAPPED",
        "0x3f, UNMAPPED",
        "0x0f, DEVICE",
        "0x2b, DEVICE",
        "0x18, DEVICE",
    })
    void eachStateIsReadFromItsBits(String mode, OwnershipState state) {
        assertEquals(state, OwnershipState.of(Integer.decode(mode)));
    }

    @Property
    void permissionsNeverChangeTheState(@ForAll @IntRange(min = 0, max = 0x7f) int mode,
            @ForAll @IntRange(min = 0, max = 7) int permissions) {
        assertEquals(OwnershipState.of(mode), OwnershipState.of((mode & ~0x7) | permissions));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"OWNED_EXCLUSIVE", "OWNED_SHARED", "LENT", "BORROWED_EXCLUSIVE", "BORROWED_SHARED", "DEVICE"})
    void everyStateButUnmappedComesBeforeUnmappedInPriority(OwnershipState state) {
        Set<OwnershipState> both = new HashSet<>(Set.of(state, OwnershipState.UNMAPPED));
        assertEquals(state, Bands.mostTelling(EnumSet.copyOf(both)));
    }

    @Test
    void coloursAreDistinctAndPriorityListsEveryState() {
        Set<String> colours = new HashSet<>();
        for (OwnershipState state : OwnershipState.values()) {
            colours.add(state.colour());
        }
        assertEquals(OwnershipState.values().length, colours.size());
        assertEquals(Set.of(OwnershipState.values()), Set.of(OwnershipState.PRIORITY));
        assertNotEquals(OwnershipState.UNMAPPED, OwnershipState.PRIORITY[0]);
    }
}
